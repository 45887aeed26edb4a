/**
 * Loading the loss inside the sandbox process: a preset (no user code), or a compiled snippet in
 * a hardened context (sandbox.ts) — exports and parameter count checked, the differentiated code
 * probed against the plain one — with the objective the runner steps.
 */
import { quadraticFacts, type QuadraticEvidence, type QuadraticFacts } from '../engine/curvature/convergence';
import { getProblem } from '../engine/problems';
import type { Experiment, Objective } from '../engine/types';
import { checkDeterminism } from './determinism';
import type { Loaded } from './requests';
import { Sandbox, SnippetError, type EvaluationHooks } from './sandbox';
import type { SandboxContext } from './sandboxContext';
import type { CompiledSnippet, SessionInfo } from './types';

export interface LoadedLoss extends Loaded {
  readonly info: SessionInfo;
  /** Whether user code runs (a snippet), so evaluations need the deadline. */
  readonly userCode: boolean;
}

export interface SnippetSetting {
  readonly hooks: EvaluationHooks;
  /** A context made ahead of time (a warm process), or undefined for a new one. */
  readonly prepared: SandboxContext | undefined;
  /** Bytes of typed arrays one evaluation may allocate. */
  readonly allocationBudget: number;
  /** Told once when the loss gives different results for the same parameters. */
  readonly onNondeterministic: (message: string) => void;
}

function loadPreset(experiment: Experiment): LoadedLoss {
  const name = 'preset' in experiment.loss ? experiment.loss.preset : '';
  const problem = getProblem(name);
  if (!problem) throw new SnippetError('exports', `unknown preset "${name}"`);
  const dim = experiment.init?.length ?? problem.dim;
  const objective = problem.objective({ dim });
  const init = experiment.init ?? (dim === problem.dim ? problem.init : problem.initFor(dim));
  const quadratic = problem.quadratic ? quadraticOf(experiment, objective, init, 'preset') : undefined;
  const info: SessionInfo = {
    dim, init, domain: problem.domain, dataSize: objective.dataSize, gradient: { mode: 'analytic' },
    ...(experiment.curvature ? { curvature: { mode: 'analytic', ...(quadratic ? { quadratic } : {}) } as const } : {}),
    minima: dim === problem.dim ? problem.minima : problem.minimaFor(dim),
  };
  return { experiment, objective, init, info, userCode: false };
}

function loadSnippet(experiment: Experiment, compiled: CompiledSnippet, setting: SnippetSetting): LoadedLoss {
  const sandbox = new Sandbox(compiled, setting.hooks, setting.prepared, setting.allocationBudget);
  const fromExports = sandbox.exports.init;
  const count = compiled.paramCount;
  const start = experiment.init ?? fromExports ?? (count !== undefined ? new Array<number>(count).fill(0) : undefined);
  if (start === undefined) {
    throw new SnippetError('exports', 'the number of parameters is unknown: export `init` (the start point) from the snippet, '
      + 'destructure the params (`loss([x, y]: number[])`), or set `init` in the experiment');
  }
  if (count !== undefined && start.length !== count) {
    throw new SnippetError('exports', `init has ${start.length} numbers but the loss takes ${count} parameters`);
  }
  sandbox.probe(start);
  if (experiment.curvature) sandbox.probeCurvature(start);
  const objective: Objective = checkDeterminism(sandbox.objective(start.length), setting.onNondeterministic);
  const quadratic = compiled.quadratic && sandbox.curvature.mode === 'autodiff' ? quadraticOf(experiment, objective, start, 'polynomial') : undefined;
  const info: SessionInfo = {
    dim: start.length, init: start, domain: sandbox.exports.domain ?? undefined, dataSize: objective.dataSize,
    gradient: sandbox.gradient, ...(experiment.curvature ? { curvature: { ...sandbox.curvature, ...(quadratic ? { quadratic } : {}) } } : {}),
  };
  return { experiment, objective, init: start, info, userCode: true };
}

/**
 * A quadratic loss's constant curvature, for experiments with curvature (issue 14's closed-form
 * rates): computed once at the start point, with what keeps the runs' steps from being the
 * closed form's (mini-batches, gradient noise).
 */
function quadraticOf(experiment: Experiment, objective: Objective, at: readonly number[], evidence: QuadraticEvidence): QuadraticFacts | undefined {
  if (!experiment.curvature) return undefined;
  const batch = experiment.batchSize !== undefined && objective.dataSize > 0 && experiment.batchSize < objective.dataSize
    ? `its gradients are of mini-batches (${experiment.batchSize} of ${objective.dataSize} examples)` : undefined;
  const noisy = experiment.noise ? `its gradients carry noise (σ = ${experiment.noise})` : undefined;
  return quadraticFacts(objective, at, evidence, batch ?? noisy);
}

/** The loss of `experiment`: the preset when `compiled` is null, else the snippet. Throws SnippetError (or the deadline's). */
export function loadLoss(experiment: Experiment, compiled: CompiledSnippet | null, setting: SnippetSetting): LoadedLoss {
  return compiled === null ? loadPreset(experiment) : loadSnippet(experiment, compiled, setting);
}
