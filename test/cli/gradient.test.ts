/**
 * Issue 12, finding 4: the command line says how each run's gradients were computed — a
 * `gradient` field on every `--json` run, a line under the `--summary` table — and warns on stderr
 * when they are central differences, with the reason and the loss's line and column.
 * Runs `node dist/cli.js` (built by `npm run build`) in a child process, as a user does.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliSync as cli } from './runCli';


describe('the CLI says how the gradients were computed', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'optim-gradient-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const experiment = (name: string, loss: unknown): string => {
    writeFileSync(path.join(dir, name), JSON.stringify({ loss, init: [1, 2], steps: 3,
      runs: [{ optimizer: 'sgd', lr: 0.01 }, { optimizer: 'adam', lr: 0.01 }] }));
    return name;
  };

  it('finite differences: --json marks every run, --summary says so, stderr warns, each with the line and column', () => {
    writeFileSync(path.join(dir, 'noisy.ts'), 'export default function loss([x, y]: number[]): number {\n  return x * x + y * y + Math.random() * 0;\n}\n');
    const file = experiment('noisy.optim.json', { file: 'noisy.ts' });
    const json = cli(['run', file, '--json'], dir);
    assert.equal(json.status, 0, json.stderr);
    const expected = { mode: 'finite-differences', reason: '`Math.random` is not differentiable (line 2)', line: 2, column: 26 };
    const runs = (JSON.parse(json.stdout) as { runs: { gradient: unknown }[] }).runs;
    assert.deepEqual(runs.map((r) => r.gradient), [expected, expected]);
    assert.equal(json.stderr.trim(), 'noisy.ts:2:26: warning: the gradients are central differences, not exact: `Math.random` is not differentiable (line 2)');
    const summary = cli(['run', file, '--summary'], dir);
    assert.equal(summary.status, 0, summary.stderr);
    assert.match(summary.stdout, /^gradient: central differences, NOT exact — `Math\.random` is not differentiable \(line 2\) \(noisy\.ts:2:26\)$/m);
    assert.match(summary.stderr, /noisy\.ts:2:26: warning: the gradients are central differences/);
  });

  it('a value kept from one evaluation to the next in an inline snippet: found before the run, and said', () => {
    const file = experiment('kept.optim.json', { source: 'let first: number | undefined;\n'
      + 'export default function loss([x, y]: number[]): number {\n  const v = x * x + y * y;\n  first ??= v;\n  return v / first;\n}\n' });
    const r = cli(['run', file, '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const g = (JSON.parse(r.stdout) as { runs: { gradient: { mode: string; line?: number } }[] }).runs[0].gradient;
    assert.deepEqual([g.mode, g.line], ['finite-differences', 5]);
    assert.match(r.stderr, /^kept\.optim\.json: loss\.source:5:\d+: warning: the gradients are central differences, not exact: a value computed from the parameters in an earlier evaluation is used again/);
  });

  it('exact gradients: the path in --json and the summary, no warning', () => {
    const file = experiment('bowl.optim.json', { source: 'export const a = 2.5;\nexport default ([x, y]: number[]) => a * x * x + y * y;' });
    const json = cli(['run', file, '--json'], dir);
    assert.equal(json.status, 0, json.stderr);
    const runs = (JSON.parse(json.stdout) as { runs: { gradient: unknown }[] }).runs;
    assert.deepEqual(runs[0].gradient, { mode: 'autodiff', path: 'straight-line' });
    assert.equal(json.stderr, '');
    const summary = cli(['run', file, '--summary'], dir);
    assert.match(summary.stdout, /^gradient: exact, by automatic differentiation \(straight-line reverse mode\)$/m);
    assert.equal(summary.stderr, '');
  });
});
