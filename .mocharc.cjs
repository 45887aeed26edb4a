// Mocha's configuration, found by `npx mocha` and npm test: the options of .mocharc.json and, when the
// command line names no test file, every unit test file. Mocha adds a configuration's `spec` to the
// files a command line names, so with the list always there `npx mocha out/test/cli/cli.test.js`
// would run the whole suite; here it runs that file alone.
const options = require('./.mocharc.json');

const unitTests = ['engine', 'snippet', 'charts', 'cli', 'points', 'extension', 'webview', 'explain', 'pytorch'].map((room) => `out/test/${room}/**/*.test.js`);
const args = process.argv.slice(2);
const namesTests = args.some((arg, i) => /\.test\.js$/.test(arg) && !['--ignore', '--exclude'].includes(args[i - 1]));

module.exports = { ...options, ...(namesTests ? {} : { spec: unitTests }) };
