/**
 * The CLI with `"curvature": true` (DESIGN "Curvature"): every point's sharpness (and, for
 * adaptive runs, preconditioned sharpness) and every run's stabilityThreshold in --json, the last
 * sharpness, the threshold and the first crossing in --summary, sharpness.svg under --out. The
 * loss is ½(x² + 10y²): its Hessian is diag(1, 10) everywhere, so λmax = 10 and gradient descent
 * is stable exactly below η = 0.2.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, cliSync, type CliResult } from './runCli';

interface JsonPoint { step: number; loss: number | null; sharpness?: number | null; preconditionedSharpness?: number | null }
interface JsonRun {
  label: string; status: string; stabilityThreshold?: number | null; points: JsonPoint[];
  convergenceRate?: { analytic: number | null; measured: number | null; note?: string };
}

const SOURCE = 'export default function loss([x, y]: number[]): number {\n  return 0.5 * (x * x + 10 * y * y);\n}\nexport const init = [1, 1];';
const RUNS = [{ optimizer: 'gd', lr: 0.19 }, { optimizer: 'gd', lr: 0.21 }, { optimizer: 'adam', lr: 0.1 }];

describe('cli: "curvature": true', function () {
  this.timeout(60_000);
  let dir: string;
  const run = (args: readonly string[]): CliResult => cliSync(['run', ...args]);
  const file = (curvature: boolean): string => {
    const f = path.join(dir, `${curvature ? 'on' : 'off'}.optim.json`);
    writeFileSync(f, JSON.stringify({ title: 'ravine', loss: { source: SOURCE }, steps: 12, ...(curvature ? { curvature } : {}), runs: RUNS }));
    return f;
  };

  before(() => {
    assert.ok(existsSync(CLI), 'dist/cli.js (npm run build)');
    dir = mkdtempSync(path.join(os.tmpdir(), 'optim-curvature-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: sharpness on every point, preconditioned sharpness on the adaptive run, each run\'s threshold', () => {
    const r = run([file(true), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const runs = (JSON.parse(r.stdout) as { runs: JsonRun[] }).runs;
    assert.equal(runs.length, 3);
    for (const one of runs) {
      assert.equal(one.points.length, 13);
      for (const p of one.points) assert.ok(Math.abs((p.sharpness as number) - 10) < 1e-12, `${one.label} step ${p.step}: ${p.sharpness}`);
    }
    assert.ok(Math.abs((runs[0].stabilityThreshold as number) - 2 / 0.19) < 1e-12);
    assert.ok(Math.abs((runs[1].stabilityThreshold as number) - 2 / 0.21) < 1e-12);
    assert.ok(Math.abs((runs[2].stabilityThreshold as number) - (2 + 2 * 0.9) / ((1 - 0.9) * 0.1)) < 1e-9, String(runs[2].stabilityThreshold));
    assert.equal(runs[0].points[0].preconditionedSharpness, undefined);
    assert.ok(runs[2].points.every((p) => typeof p.preconditionedSharpness === 'number' && p.preconditionedSharpness > 0));
    // The loss is a quadratic (degree 2 in its code): each run's rate per step, the closed form max |1 − ηλᵢ| for GD.
    assert.ok(Math.abs((runs[0].convergenceRate?.analytic as number) - 0.9) < 1e-15, JSON.stringify(runs[0].convergenceRate));
    assert.ok(Math.abs((runs[1].convergenceRate?.analytic as number) - 1.1) < 1e-15, JSON.stringify(runs[1].convergenceRate));
    assert.ok(runs.every((one) => typeof one.convergenceRate?.measured === 'number'));
    assert.equal(runs[2].convergenceRate?.analytic, null);
    assert.match(runs[2].convergenceRate?.note ?? '', /preconditioner/);
    // GD past its threshold diverges, below it converges.
    assert.ok((runs[1].points[12].loss as number) > (runs[1].points[0].loss as number));
    assert.ok((runs[0].points[12].loss as number) < (runs[0].points[0].loss as number));
  });

  it('--json without curvature has none of the fields', () => {
    const r = run([file(false), '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /sharpness|stabilityThreshold|convergenceRate/i);
  });

  it('--summary: the last sharpness and the threshold per run, and the warning of the run that crossed it', () => {
    const r = run([file(true), '--summary']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /steps\/s\s+sharpness\s+threshold\s+rate \(analytic\)\s+rate \(measured\)/);
    assert.match(r.stdout, /Gradient descent η=0\.19 .* 10\s+10\.5263\s+0\.9\s+0\.\d+\n/);
    assert.match(r.stdout, /Gradient descent η=0\.21: at step 0, η·λmax = 2\.1 > 2: gradient descent cannot settle here/);
    assert.doesNotMatch(r.stdout, /η=0\.19: at step/);
    assert.doesNotMatch(r.stdout, /Adam η=0\.1: at step/);
  });

  it('--out writes sharpness.svg: the curves, the dashed thresholds and the crossing', () => {
    const out = path.join(dir, 'out');
    const r = run([file(true), '--summary', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const spec = JSON.parse(readFileSync(path.join(out, 'sharpness.vl.json'), 'utf8')) as {
      datasets: { points: { run: number; curvature: number; threshold: number | null }[]; crossings: { run: number; step: number; message: string }[] };
    };
    assert.deepEqual(spec.datasets.crossings.map((c) => [c.run, c.step]), [[1, 0]]);
    assert.match(spec.datasets.crossings[0].message, /η·λmax = 2\.1 > 2/);
    const first = spec.datasets.points.filter((s) => s.run === 0);
    assert.equal(first.length, 13);
    assert.ok(first.every((p) => p.curvature === 10 && Math.abs((p.threshold as number) - 2 / 0.19) < 1e-12), JSON.stringify(first[0]));
    // points.csv: the sharpness and the preconditioned sharpness after the parameters, empty where a run has none.
    const csv = readFileSync(path.join(out, 'points.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'run,label,step,loss,grad_norm,lr,p0,p1,sharpness,preconditioned_sharpness');
    assert.equal(csv.length, 1 + 3 * 13);
    assert.match(csv[1] as string, /^0,Gradient descent η=0\.19,0,.*,10,$/);
    assert.match(csv[1 + 2 * 13] as string, /^2,Adam η=0\.1,0,.*,10,\d[\d.e+-]*$/);
    const svg = readFileSync(path.join(out, 'sharpness.svg'), 'utf8');
    assert.match(svg, /^<svg/);
    assert.match(svg, /stroke-dasharray="6,4"/);
    assert.match(svg, /stability threshold/);
  });
});
