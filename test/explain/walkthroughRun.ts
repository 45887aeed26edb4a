// Runs a walkthrough experiment headless (presets only), for the walkthrough's tests.
import * as fs from 'node:fs';
import { parseExperiment } from '../../src/engine/experiment';
import { getProblem } from '../../src/engine/problems';
import { Runner } from '../../src/engine/runner';
import type { Experiment, RunStatus } from '../../src/engine/types';
import { repoPath } from '../repoRoot';

export interface RunOutcome { label: string; status: RunStatus; steps: number; firstLoss: number; finalLoss: number; final: number[];
  /** Parameters at the start and after the first update. */
  start: number[]; afterFirst: number[] }

export function loadWalkthrough(name: string): Experiment {
  const file = repoPath('examples', 'walkthrough', `${name}.optim.json`);
  const parsed = parseExperiment(fs.readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return parsed.experiment;
}

export function runWalkthrough(name: string): RunOutcome[] {
  const e = loadWalkthrough(name);
  if (!('preset' in e.loss)) throw new Error(`${name}: walkthrough experiments use presets`);
  const problem = getProblem(e.loss.preset);
  if (!problem) throw new Error(`${name}: unknown preset ${e.loss.preset}`);
  const runner = new Runner(e, problem.objective({ seed: e.seed }), e.init ?? problem.init);
  const out: RunOutcome[] = e.runs.map((r) => ({ label: r.label, status: 'running', steps: 0, firstLoss: NaN, finalLoss: NaN, final: [], start: [], afterFirst: [] }));
  for (let guard = 0; !runner.finished && guard < 1e6; guard++) {
    for (const ev of runner.advance(100_000)) {
      if (ev.type === 'points') {
        for (const b of ev.batches) {
          const o = out[b.run];
          const dim = problem.dim;
          if (b.fromStep === 0) {
            o.firstLoss = b.loss[0];
            o.start = Array.from(b.params.slice(0, dim));
          }
          if (b.fromStep <= 1 && b.fromStep + b.count > 1) o.afterFirst = Array.from(b.params.slice((1 - b.fromStep) * dim, (2 - b.fromStep) * dim));
          o.finalLoss = b.loss[b.count - 1];
          o.final = Array.from(b.params.slice((b.count - 1) * problem.dim, b.count * problem.dim));
        }
      } else if (ev.type === 'runEnd') {
        out[ev.run].status = ev.status;
        out[ev.run].steps = ev.steps;
      }
    }
  }
  return out;
}
