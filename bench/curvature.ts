/**
 * The curvature benchmark (called by bench/index.ts in the same `npm run bench` process): what
 * `"curvature": true` costs — every step also computes the loss's exact Hessian and its largest
 * eigenvalue. A 10,000-step gradient-descent run on a 2-parameter snippet (Rosenbrock, the one
 * bench/snippet.ts uses), in-thread through the engine's Runner over the sandboxed snippet, as the
 * sandbox process runs it, with and without curvature; the same on the preset (analytic Hessian)
 * and on Adam (preconditioned sharpness too). CPU seconds, the best of 25 alternating runs (the
 * machine is shared, and a run of ~1 ms is easily disturbed). Target: with curvature ≤ 2 × without, on the snippet, for GD and for Adam.
 */
import { validateExperiment } from '../src/engine/experiment';
import { getProblem } from '../src/engine/problems';
import { Runner } from '../src/engine/runner';
import type { Experiment, Objective } from '../src/engine/types';
import { compileSnippet } from '../src/snippet/compile';
import { Sandbox } from '../src/snippet/sandbox';

const ROSENBROCK_SNIPPET = `export default function loss([x, y]: number[]): number {
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
}
export const init = [-1.5, 2];
`;
const STEPS = 10_000;
const noHooks = { before(): void { /* in-thread: no watchdog */ }, after(): void { /* idem */ } };

function experiment(raw: Record<string, unknown>): Experiment {
  const r = validateExperiment(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.experiment;
}

function snippetObjective(curvature: boolean): Objective {
  const c = compileSnippet(ROSENBROCK_SNIPPET);
  if (!c.ok) throw new Error(c.error.message);
  const sandbox = new Sandbox(c, noHooks);
  sandbox.probe([-1.5, 2]);
  if (curvature) sandbox.probeCurvature([-1.5, 2]);
  return sandbox.objective(2);
}

/** CPU seconds of one run of `e` to its end. */
function runSeconds(e: Experiment, objective: Objective): number {
  const runner = new Runner(e, objective, [-1.5, 2]);
  const u = process.cpuUsage();
  while (!runner.finished) runner.advance(1 << 16);
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1e6;
}

/** The best (least disturbed) of `rounds` alternating runs without and with curvature: [without, with]. */
function pair(raw: Record<string, unknown>, objective: (curvature: boolean) => Objective, rounds = 25): [number, number] {
  const off = experiment({ ...raw, steps: STEPS, tolerance: 1e-300 });
  const on = experiment({ ...raw, steps: STEPS, tolerance: 1e-300, curvature: true });
  const plain = objective(false), curved = objective(true);
  runSeconds(off, plain); runSeconds(on, curved);  // warm-up
  let best = [Infinity, Infinity];
  for (let r = 0; r < rounds; r++) best = [Math.min(best[0], runSeconds(off, plain)), Math.min(best[1], runSeconds(on, curved))];
  return [best[0], best[1]];
}

const fmt = (x: number, digits = 3): string => Number(x.toPrecision(digits)).toLocaleString('en-US');

export function benchCurvature(): void {
  const rosenbrock = getProblem('rosenbrock');
  if (!rosenbrock) throw new Error('no rosenbrock preset');
  const gd = { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'gd', lr: 1e-4 }] };
  const adam = { loss: { preset: 'rosenbrock' }, runs: [{ optimizer: 'adam', lr: 0.01 }] };
  const rows: [string, [number, number]][] = [
    ['snippet, GD (autodiff Hessian)', pair(gd, snippetObjective)],
    ['snippet, Adam (autodiff Hessian, preconditioned too)', pair(adam, snippetObjective)],
    ['preset, GD (analytic Hessian)', pair(gd, () => rosenbrock.objective())],
    ['preset, Adam (analytic Hessian, preconditioned too)', pair(adam, () => rosenbrock.objective())],
  ];
  console.log(`\nCurvature — a ${STEPS.toLocaleString('en-US')}-step run on Rosenbrock (2 parameters), CPU ms, best of 25 alternating runs`);
  console.log('| run | without curvature | with curvature | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, [off, on]] of rows) console.log(`| ${name} | ${fmt(off * 1000)} | ${fmt(on * 1000)} | ${fmt(on / off, 2)} |`);
  const ratios = rows.slice(0, 2).map(([, [off, on]]) => on / off);
  console.log(`target: with curvature ≤ 2 × without on the 2-parameter snippet, GD and Adam — ${ratios.every((r) => r <= 2) ? 'met' : 'NOT met'}`
    + ` (${ratios.map((r) => fmt(r, 2)).join(', ')})`);
}

if (require.main === module) benchCurvature();
