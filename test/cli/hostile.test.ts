/**
 * The CLI against hostile input it must print or write: terminal escape sequences in titles,
 * labels, file names and the loss's messages; labels a spreadsheet would run as formulas; a loss
 * that throws a 50 MB message; hostile `--out` folders and experiment files. Each test asserts the
 * exact outcome: exit status, what reached the terminal or the disk, and what did not.
 */
import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliSync, type CliResult } from './runCli';

interface Result extends CliResult { ms: number }
function cli(args: readonly string[], cwd: string): Result {
  const t0 = Date.now();
  return { ...cliSync(args, cwd), ms: Date.now() - t0 };
}

/** Characters a terminal acts on, besides the line breaks of the output's own layout. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
function assertInert(text: string, what: string): void {
  const found = RAW_CONTROL.exec(text);
  assert.equal(found, null, `${what} has a raw control character U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes, C1 CSI, BEL, a bidirectional override and a line that would pose as a table row. */
const EVIL = '\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil\nAdam  completed  100  0  [1, 1]  1k';

describe('cli: hostile input (terminal, CSV, messages, paths)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'optim-hostile-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: unknown): string {
    const at = path.join(dir, name);
    writeFileSync(at, typeof content === 'string' ? content : JSON.stringify(content));
    return at;
  }

  /**
   * A loss that throws the message `expression` makes once x passes 0.5 (a few Adam steps from
   * [0, 0]), or, `onLoad`, as the snippet is loaded (an error of the whole experiment).
   */
  function throwing(name: string, expression: string, onLoad = false): string {
    file(`${name}.ts`, `const message = ${expression};
${onLoad ? 'throw new Error(message);' : ''}
export default function loss([x, y]: number[]): number {
  if (x > 0.5) throw new Error(message);
  return (x - 1) * (x - 1) + y * y;
}
export const init = [0, 0];\n`);
    return file(`${name}.optim.json`, { loss: { file: `${name}.ts` }, steps: 50, runs: [{ optimizer: 'adam', lr: 0.1, label: 'Adam' }] });
  }

  it('titles, labels and run messages reach the terminal escaped, one line each', () => {
    const experiment = throwing('evil-run', JSON.stringify(EVIL));
    const spec = JSON.parse(readFileSync(experiment, 'utf8')) as Record<string, unknown>;
    writeFileSync(experiment, JSON.stringify({ ...spec, title: `Title${EVIL}`, runs: [{ optimizer: 'adam', lr: 0.1, label: `Label${EVIL}` }] }));
    const r = cli(['run', experiment, '--summary'], dir);
    assert.equal(r.status, 0, r.stderr);
    assertInert(r.stdout, 'the summary');
    assertInert(r.stderr, 'stderr');
    assert.match(r.stdout, /^Title\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202eevil\\nAdam/m, 'the title, escaped');
    assert.match(r.stdout, /^Label\\x1b\[2J.*\s+error\s/m, 'the label, escaped, in its row');
    assert.match(r.stdout, /^Label\\x1b\[2J.*: .*\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202eevil/m, 'the run\'s message, escaped');
    assert.equal(r.stdout.split('\n').filter((l) => /^Adam\s+completed/.test(l)).length, 0, 'no line poses as a run');
  });

  it('--json carries the same text as JSON escapes only', () => {
    const r = cli(['run', throwing('evil-json', JSON.stringify(EVIL)), '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    assertInert(r.stdout, '--json');
    const out = JSON.parse(r.stdout) as { runs: { status: string; message: string }[] };
    assert.equal(out.runs[0]?.status, 'error');
    // The sandbox escaped the loss's text once, before it reached the host: the same one line a terminal shows.
    assert.ok(out.runs[0]?.message.includes('Error: \\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202eevil\\nAdam  completed'), `the message, in its escaped one-line form: ${out.runs[0]?.message}`);
  });

  it('a loss error and an experiment file name reach stderr escaped', () => {
    const r = cli(['run', throwing('evil-start', JSON.stringify(EVIL), true)], dir);
    assert.equal(r.status, 1, r.stdout);
    assertInert(r.stderr, 'stderr');
    assert.match(r.stderr, /\\x1b\[2J/);
    const named = file('bad\u001b[2Jname.optim.json', '{ "loss": ');
    const bad = cli(['run', named], dir);
    assert.equal(bad.status, 1);
    assertInert(bad.stderr, 'stderr');
    assert.match(bad.stderr, /bad\\x1b\[2Jname\.optim\.json:1:\d+: malformed JSON/);
  });

  it('a 50 MB error message never floods the terminal; a run quotes its start, the experiment\'s error is cut with the rest on request', () => {
    const huge = cli(['run', throwing('huge', "'x'.repeat(50_000_000)"), '--summary'], dir);
    assert.equal(huge.status, 0, huge.stderr);
    assert.ok(huge.stdout.length < 3000 && huge.stderr.length < 3000, `the summary is ${huge.stdout.length} characters`);
    const long = throwing('long-run', "'x'.repeat(200_000)");
    const r = cli(['run', long, '--summary'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length < 3000, `the summary is ${r.stdout.length} characters`);
    // A run's message quotes the start of what the loss threw, cut short by the sandbox.
    assert.match(r.stdout, /Error: x{200,}… at params \[/);
    const json = cli(['run', long, '--json'], dir);
    assert.match(json.stdout, /"message":"[^"]{0,600}x… at params \[[^"]*\]"/);
    const onLoad = cli(['run', throwing('long-load', "'y'.repeat(200_000)", true)], dir);
    assert.equal(onLoad.status, 1);
    assert.ok(onLoad.stderr.length < 3000, `stderr is ${onLoad.stderr.length} characters`);
    assert.match(onLoad.stderr, /y… \([\d,]+ more characters; --full-messages shows all\)/);
  });

  it('--full-messages prints a long message of the loss whole', () => {
    const long = `${'a'.repeat(1500)}END`;
    const experiment = throwing('long', JSON.stringify(long), true);
    const cut = cli(['run', experiment], dir);
    assert.equal(cut.status, 1, cut.stdout);
    assert.doesNotMatch(cut.stderr, /aEND/);
    assert.match(cut.stderr, /a… \(1,0\d\d more characters; --full-messages shows all\)/);
    const whole = cli(['run', experiment, '--full-messages'], dir);
    assert.equal(whole.status, 1, whole.stdout);
    assert.ok(whole.stderr.includes(long), 'the whole message');
  });

  it('an invalid experiment lists at most 50 problems unless --full-messages', () => {
    const runs = Array.from({ length: 120 }, () => ({ optimizer: 'adma' }));
    const experiment = file('many-problems.optim.json', { loss: { preset: 'rosenbrock' }, runs });
    const r = cli(['run', experiment], dir);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').filter((l) => /^\s+runs\[\d+\]\.optimizer:/.test(l)).length, 50);
    assert.match(r.stderr, /… and 70 more problems \(--full-messages lists all\)/);
    const all = cli(['run', experiment, '--full-messages'], dir);
    assert.equal(all.stderr.split('\n').filter((l) => /^\s+runs\[\d+\]\.optimizer:/.test(l)).length, 120);
  });

  it('points.csv keeps labels that begin like a formula as text', () => {
    const labels = ['=HYPERLINK("http://example.com","click")', '+cmd', '-2+3', '@SUM(A1:A2)'];
    const experiment = file('formula.optim.json', {
      loss: { preset: 'rosenbrock' }, steps: 3, runs: labels.map((label) => ({ optimizer: 'adam', label })),
    });
    const out = path.join(dir, 'formula-out');
    const r = cli(['run', experiment, '--out', out], dir);
    assert.equal(r.status, 0, r.stderr);
    const cells = readFileSync(path.join(out, 'points.csv'), 'utf8').trim().split('\n').slice(1)
      .map((line) => /^\d+,("(?:[^"]|"")*"|[^,]*),/.exec(line)?.[1] ?? '');
    assert.equal(cells.length, 4 * 4);
    for (const cell of cells) assert.match(cell, /^"'[=+\-@]/, `a neutralised cell: ${cell}`);
  });

  it('--out replaces a symbolic link in the folder instead of writing through it', () => {
    const out = path.join(dir, 'linked-out');
    mkdirSync(out, { recursive: true });
    const victim = file('victim.txt', 'precious\n');
    symlinkSync(victim, path.join(out, 'points.csv'));
    symlinkSync(victim, path.join(out, 'runs.json'));
    const experiment = file('linked.optim.json', { loss: { preset: 'rosenbrock' }, steps: 3, runs: [{ optimizer: 'adam' }] });
    const r = cli(['run', experiment, '--out', out], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the link\'s target is untouched');
    assert.ok(lstatSync(path.join(out, 'points.csv')).isFile(), 'points.csv is a file of its own');
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  });

  it('--out that cannot be a folder exits 1 with one line, having run nothing', () => {
    const experiment = file('plain.optim.json', { loss: { preset: 'rosenbrock' }, steps: 3, runs: [{ optimizer: 'adam' }] });
    const blocker = file('a-file', 'x');
    for (const out of [blocker, path.join(blocker, 'below'), '/dev/null/x']) {
      const r = cli(['run', experiment, '--out', out], dir);
      assert.equal(r.status, 1, `${out}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^optimizer-playground: cannot write .*: (a file is in the way|.*not a directory)\n$/);
    }
    assert.equal(readFileSync(blocker, 'utf8'), 'x');
  });

  it('--out names with control characters are shown escaped', () => {
    const experiment = file('plain2.optim.json', { loss: { preset: 'rosenbrock' }, steps: 3, runs: [{ optimizer: 'adam' }] });
    const out = path.join(dir, 'out\u001b[2J\u0007');
    const r = cli(['run', experiment, '--out', out], dir);
    assert.equal(r.status, 0, r.stderr);
    assertInert(r.stderr, 'stderr');
    assert.match(r.stderr, /wrote 10 files to .*out\\x1b\[2J\\x07: runs\.json, /);
    assert.ok(existsSync(path.join(out, 'points.csv')));
  });

  it('an experiment file that never ends (/dev/zero) is refused at 16 MB, quickly', () => {
    const r = cli(['run', '/dev/zero'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /\/dev\/zero is larger than 16 MB; an experiment file is a small JSON document/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });
});
