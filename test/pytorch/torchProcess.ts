/**
 * One Python process with torch imported, that runs scripts sent to it one after another, each in
 * a fresh namespace as `python3 script.py` would (`__name__ == "__main__"`), and answers with what
 * it printed. Importing torch costs ~1.7 s of CPU: the parity tests pay it once, not per script.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Debian's python3-torch (torch 1.13): the `python3` first on PATH may be another without torch. */
export const PYTHON = '/usr/bin/python3';

const SERVER = `
import contextlib, io, json, sys, traceback
import torch
sys.stdout.write(json.dumps({"version": torch.__version__}) + "\\n"); sys.stdout.flush()
for line in sys.stdin:
    script = json.loads(line)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(script, "<exported>", "exec"), {"__name__": "__main__"})
        reply = {"stdout": out.getvalue()}
    except BaseException:
        reply = {"stdout": out.getvalue(), "error": traceback.format_exc()}
    sys.stdout.write(json.dumps(reply) + "\\n"); sys.stdout.flush()
`;

interface Reply { stdout: string; error?: string; version?: string }
interface Pending { resolve(r: Reply): void; reject(e: Error): void }

export class TorchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  /** Who waits for each reply to come, in the order the scripts were sent (the first: torch's version). */
  private readonly pending: Pending[] = [];
  private stderr = '';
  /** torch's version, once the process has imported it; rejects when it cannot. */
  readonly version: Promise<string>;

  constructor() {
    this.child = spawn(PYTHON, ['-c', SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.version = this.reply().then((r) => r.version ?? '');
    this.child.stderr.on('data', (c: Buffer) => { this.stderr += c.toString(); });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.resolve(JSON.parse(line) as Reply));
    const fail = (e: Error): void => { for (const p of this.pending.splice(0)) p.reject(e); };
    this.child.on('error', fail);
    this.child.on('exit', (code) => fail(new Error(`${PYTHON} exited (${code}) — is Debian's python3-torch installed?\n${this.stderr}`)));
  }

  private reply(): Promise<Reply> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Runs `script` and resolves with what it printed; rejects with Python's traceback when it raised. */
  async run(script: string): Promise<string> {
    const reply = this.reply();
    this.child.stdin.write(`${JSON.stringify(script)}\n`);
    const r = await reply;
    if (r.error !== undefined) throw new Error(`${r.error}\nprinted:\n${r.stdout}`);
    return r.stdout;
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
