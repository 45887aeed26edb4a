/**
 * Loaded into the CLI's process with `node --require` by the tests that bound its memory: at exit
 * it writes the process's peak resident memory (kilobytes, `process.resourceUsage().maxRSS`) to
 * the file named by MAX_RSS_FILE. The CLI itself knows nothing of it.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
