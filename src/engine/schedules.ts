/**
 * Learning-rate schedules: plain closures `count → η` (count = updates already done, 0-based), built
 * from a validated `ScheduleSpec` and the run's base learning rate (the `lr` hyperparameter).
 *
 * Where PyTorch has the same schedule, the values are torch.optim.lr_scheduler's for the update
 * made after `count` calls of `scheduler.step()` (StepLR, ExponentialLR, LinearLR, OneCycleLR with
 * `anneal_strategy='cos'` and `cycle_momentum=False`), so setting `group['lr']` to `schedule(count)`
 * before each `optimizer.step()` reproduces the scheduler. PyTorch computes these recursively
 * (η ← η·γ); we use the closed forms, which agree to rounding.
 *
 * | type           | η for update number c (0-based)                                                      |
 * | -------------- | ------------------------------------------------------------------------------------- |
 * | `constant`     | η₀                                                                                    |
 * | `step`         | η₀·γ^⌊c / stepSize⌋ (γ = 0.1 by default)                                             |
 * | `exponential`  | η₀·γ^c                                                                                |
 * | `cosine`       | warmup: η₀·c/w for c < w; then minLr + (η₀ − minLr)·½(1 + cos(π·min(1, (c − w)/(steps − w)))) |
 * | `linearWarmup` | η₀·(f + (1 − f)·min(c, w)/w), f = startFactor (0 by default)                         |
 * | `oneCycle`     | OneCycleLR: from maxLr/divFactor up to maxLr (cosine) for pctStart·steps − 1 updates, then down to maxLr/(divFactor·finalDivFactor) at update steps − 1 |
 *
 * `cosine` is the warmup-cosine of optax (`warmup_cosine_decay_schedule` with init 0) and of
 * Hugging Face's `get_cosine_schedule_with_warmup`; `minLr` is an absolute learning rate. For
 * `oneCycle`, `maxLr` defaults to the run's `lr` (the run's lr is the peak); after `steps` updates it
 * stays at its final value (PyTorch raises instead).
 */
import type { Bounds } from './hyperparameters';
import type { Schedule, ScheduleSpec, ValidationIssue } from './types';
import { closest } from './suggest';

/** One field of a schedule type, for validation, the JSON Schema and hovers. */
export interface ScheduleFieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly integer: boolean;
  readonly default?: number;
  readonly bounds: Bounds;
  readonly description: string;
}

export interface ScheduleTypeSpec {
  readonly type: ScheduleSpec['type'];
  /** PyTorch's scheduler with the same values, or null. */
  readonly torchClass: string | null;
  readonly summary: string;
  readonly fields: readonly ScheduleFieldSpec[];
}

const positiveInt = (name: string, description: string, required = true): ScheduleFieldSpec =>
  ({ name, required, integer: true, bounds: { min: 1 }, description });

/** The registry of schedule types and their fields (one source of truth). */
export const SCHEDULES: readonly ScheduleTypeSpec[] = [
  { type: 'constant', torchClass: null, summary: 'The same learning rate at every step.', fields: [] },
  {
    type: 'step', torchClass: 'StepLR', summary: 'Multiply the learning rate by γ every `stepSize` steps.',
    fields: [
      positiveInt('stepSize', 'Number of steps between two decays.'),
      { name: 'gamma', required: false, integer: false, default: 0.1, bounds: { min: 0, minExclusive: true },
        description: 'γ: the factor applied at each decay.' },
    ],
  },
  {
    type: 'exponential', torchClass: 'ExponentialLR', summary: 'Multiply the learning rate by γ every step.',
    fields: [
      { name: 'gamma', required: true, integer: false, bounds: { min: 0, minExclusive: true },
        description: 'γ: the factor applied at every step.' },
    ],
  },
  {
    type: 'cosine', torchClass: null,
    summary: 'Linear warmup from 0, then a cosine decay to `minLr` over `steps` steps in all.',
    fields: [
      positiveInt('steps', 'Length of the schedule (warmup included), in steps.'),
      { name: 'warmup', required: false, integer: true, default: 0, bounds: { min: 0 },
        description: 'Number of warmup steps (the learning rate rises linearly from 0).' },
      { name: 'minLr', required: false, integer: false, default: 0, bounds: { min: 0 },
        description: 'Learning rate at the end of the decay (absolute).' },
    ],
  },
  {
    type: 'linearWarmup', torchClass: 'LinearLR',
    summary: 'Rise linearly from `startFactor`·lr to lr over `warmup` steps, then stay.',
    fields: [
      positiveInt('warmup', 'Number of warmup steps.'),
      { name: 'startFactor', required: false, integer: false, default: 0, bounds: { min: 0, max: 1 },
        description: 'Fraction of the learning rate used by the first step.' },
    ],
  },
  {
    type: 'oneCycle', torchClass: 'OneCycleLR',
    summary: 'The 1cycle policy: cosine up to `maxLr`, then cosine down far below the start.',
    fields: [
      { name: 'steps', required: true, integer: true, bounds: { min: 2 },
        description: 'Length of the cycle, in steps.' },
      { name: 'maxLr', required: false, integer: false, bounds: { min: 0, minExclusive: true },
        description: 'Peak learning rate (absolute); defaults to the run\'s lr.' },
      { name: 'pctStart', required: false, integer: false, default: 0.3, bounds: { min: 0, minExclusive: true, max: 1, maxExclusive: true },
        description: 'Fraction of the cycle spent rising.' },
      { name: 'divFactor', required: false, integer: false, default: 25, bounds: { min: 1 },
        description: 'The first learning rate is maxLr / divFactor.' },
      { name: 'finalDivFactor', required: false, integer: false, default: 1e4, bounds: { min: 1 },
        description: 'The last learning rate is maxLr / (divFactor · finalDivFactor).' },
    ],
  },
];

const byType = new Map(SCHEDULES.map((s) => [s.type as string, s]));

/**
 * The schedule of a run: `count → η`. `spec` must be valid (`validateSchedule`); undefined means
 * constant. `totalSteps` stands in for a missing `steps` of `cosine` and `oneCycle`.
 */
export function createSchedule(spec: ScheduleSpec | undefined, baseLr: number, totalSteps: number): Schedule {
  if (spec === undefined) return () => baseLr;
  switch (spec.type) {
    case 'constant':
      return () => baseLr;
    case 'step': {
      const gamma = spec.gamma ?? 0.1;
      const size = spec.stepSize;
      return (c) => baseLr * gamma ** Math.floor(c / size);
    }
    case 'exponential': {
      const gamma = spec.gamma;
      return (c) => baseLr * gamma ** c;
    }
    case 'cosine': {
      const steps = spec.steps ?? totalSteps;
      const warmup = spec.warmup ?? 0;
      const minLr = spec.minLr ?? 0;
      const decay = Math.max(1, steps - warmup);
      return (c) => {
        if (c < warmup) return baseLr * c / warmup;
        const progress = Math.min(1, (c - warmup) / decay);
        return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
      };
    }
    case 'linearWarmup': {
      const warmup = spec.warmup;
      const f = spec.startFactor ?? 0;
      if (!(warmup > 0)) return () => baseLr;
      return (c) => baseLr * (f + (1 - f) * Math.min(warmup, c) / warmup);
    }
    case 'oneCycle': {
      const steps = spec.steps ?? totalSteps;
      const maxLr = spec.maxLr ?? baseLr;
      const initialLr = maxLr / (spec.divFactor ?? 25);
      const minLr = initialLr / (spec.finalDivFactor ?? 1e4);
      // OneCycleLR's two phases: [0, pctStart·steps − 1] up, then down to steps − 1.
      const end1 = (spec.pctStart ?? 0.3) * steps - 1;
      const end2 = steps - 1;
      const anneal = (start: number, end: number, pct: number): number =>
        end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
      return (c) => {
        const n = Math.min(c, end2);
        if (n <= end1) return end1 > 0 ? anneal(initialLr, maxLr, n / end1) : maxLr;
        return end2 > end1 ? anneal(maxLr, minLr, (n - end1) / (end2 - end1)) : minLr;
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `; did you mean "x"?` when a candidate is close, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean "${c}"?`;
}

function describe(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : typeof x;
}

function boundsText(b: Bounds, integer: boolean): string {
  const kind = integer ? 'an integer' : 'a number';
  const lo = b.min === undefined ? '' : `${b.minExclusive ? '>' : '≥'} ${b.min}`;
  const hi = b.max === undefined ? '' : `${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  return lo || hi ? `${kind} ${lo || hi}` : `a finite ${integer ? 'integer' : 'number'}`;
}

/** Checks a number against bounds; returns the reason it fails, or undefined. */
export function checkNumber(x: unknown, b: Bounds, integer: boolean): string | undefined {
  const want = boundsText(b, integer);
  if (typeof x !== 'number') return `must be ${want}, got ${describe(x)}`;
  if (!Number.isFinite(x)) return `must be ${want}, got ${x}`;
  if (integer && !Number.isInteger(x)) return `must be ${want}, got ${x}`;
  if (b.min !== undefined && (b.minExclusive ? !(x > b.min) : !(x >= b.min))) return `must be ${want}, got ${x}`;
  if (b.max !== undefined && (b.maxExclusive ? !(x < b.max) : !(x <= b.max))) return `must be ${want}, got ${x}`;
  return undefined;
}

/**
 * Validates a schedule as written in an experiment file. Every issue names its field path
 * (`runs[0].schedule.warmup`) and the reason. An empty list means `raw` is a valid `ScheduleSpec`.
 */
export function validateSchedule(raw: unknown, path: string): ValidationIssue[] {
  const types = SCHEDULES.map((s) => s.type);
  if (!isRecord(raw)) {
    return [{ path, message: `must be an object such as {"type": "cosine", "steps": 200}, got ${describe(raw)}` }];
  }
  if (!('type' in raw)) {
    return [{ path: `${path}.type`, message: `is required: one of ${types.map((t) => `"${t}"`).join(', ')}` }];
  }
  const type = raw.type;
  const spec = typeof type === 'string' ? byType.get(type) : undefined;
  if (spec === undefined) {
    const hint = typeof type === 'string' ? didYouMean(type, types) : '';
    return [{ path: `${path}.type`, message: `unknown schedule type ${describe(type)}${hint} (one of ${types.map((t) => `"${t}"`).join(', ')})` }];
  }
  const issues: ValidationIssue[] = [];
  const names = spec.fields.map((f) => f.name);
  for (const key of Object.keys(raw)) {
    if (key === 'type' || names.includes(key)) continue;
    const allowed = names.length ? `its fields are ${names.map((n) => `"${n}"`).join(', ')}` : 'it has no fields';
    issues.push({ path: `${path}.${key}`, message: `unknown field for a "${spec.type}" schedule${didYouMean(key, names)} (${allowed})` });
  }
  for (const f of spec.fields) {
    const value = raw[f.name];
    if (value === undefined) {
      if (f.required) issues.push({ path: `${path}.${f.name}`, message: `is required for a "${spec.type}" schedule: ${f.description}` });
      continue;
    }
    const reason = checkNumber(value, f.bounds, f.integer);
    if (reason) issues.push({ path: `${path}.${f.name}`, message: reason });
  }
  if (issues.length > 0) return issues;
  if (spec.type === 'cosine' && typeof raw.warmup === 'number' && raw.warmup > (raw.steps as number)) {
    issues.push({ path: `${path}.warmup`, message: `must not exceed steps (${raw.steps as number}), got ${raw.warmup}` });
  }
  if (spec.type === 'oneCycle') {
    const steps = raw.steps as number;
    const pct = typeof raw.pctStart === 'number' ? raw.pctStart : 0.3;
    // OneCycleLR divides by pctStart·steps − 1 and by steps − pctStart·steps: both phases need length.
    if (!(pct * steps - 1 > 0) || !(steps - 1 - (pct * steps - 1) > 0)) {
      issues.push({ path: `${path}.pctStart`, message: `leaves an empty phase: pctStart·steps − 1 = ${pct * steps - 1} must lie strictly between 0 and steps − 1 = ${steps - 1}` });
    }
  }
  return issues;
}
