/**
 * Loaded into the CLI's process with `node --require` by the tests that bound its memory: at exit
 * it writes the process's peak resident memory in kilobytes to the file named by MAX_RSS_FILE. The
 * CLI itself knows nothing of it.
 *
 * On Linux the peak is `VmHWM` of /proc/self/status: `process.resourceUsage().maxRSS` carries the
 * parent's resident memory over fork and exec (a CLI spawned by a mocha process of 400 MB reported
 * 416 MB however little it used); elsewhere it is maxRSS.
 */
import { readFileSync, writeFileSync } from 'node:fs';

function peakKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS;
}

const file = process.env.MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(peakKb())));
