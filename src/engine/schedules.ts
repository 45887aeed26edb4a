/**
 * Learning-rate schedules, each declared once: its fields (defaults, bounds, descriptions), how it
 * is built (a plain closure `count → η`, count = updates already done, 0-based) and the torch
 * scheduler that gives the same values. The validator, the JSON Schema, the panel's fields, the
 * formulas and the PyTorch export read this declaration; `ScheduleSpec` is derived from it.
 *
 * Where PyTorch has the same schedule, the values are torch.optim.lr_scheduler's for the update
 * made after `count` calls of `scheduler.step()` (StepLR, ExponentialLR, LinearLR, OneCycleLR with
 * `anneal_strategy='cos'` and `cycle_momentum=False`). PyTorch computes these recursively
 * (η ← η·γ); we use the closed forms, which agree to rounding.
 *
 * | type           | η for update number c (0-based)                                                      |
 * | -------------- | ------------------------------------------------------------------------------------- |
 * | `constant`     | η₀                                                                                    |
 * | `step`         | η₀·γ^⌊c / stepSize⌋                                                                   |
 * | `exponential`  | η₀·γ^c                                                                                |
 * | `cosine`       | warmup: η₀·c/w for c < w; then minLr + (η₀ − minLr)·½(1 + cos(π·min(1, (c − w)/(steps − w)))) |
 * | `linearWarmup` | η₀·(f + (1 − f)·min(c, w)/w), f = startFactor                                        |
 * | `oneCycle`     | OneCycleLR: from maxLr/divFactor up to maxLr (cosine) for pctStart·steps − 1 updates, then down to maxLr/(divFactor·finalDivFactor) at update steps − 1 |
 *
 * `cosine` is the warmup-cosine of optax (`warmup_cosine_decay_schedule` with init 0) and of
 * Hugging Face's `get_cosine_schedule_with_warmup`; `minLr` is an absolute learning rate. A field
 * with `defaultFrom` takes the run's `lr` or the experiment's `steps` when absent. After `steps`
 * updates `oneCycle` stays at its final value (PyTorch raises instead).
 */
import { checkNumber, type Bounds } from './bounds';
import type { Schedule, ValidationIssue } from './types';
import { describeValue, didYouMean, isRecord, ownValue, quoted } from './values';

/** One field of a schedule type. */
export interface ScheduleFieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly integer: boolean;
  /** The value used when the field is absent (numbers only; see `defaultFrom`). */
  readonly default?: number;
  /** When absent, the field takes the run's learning rate or the experiment's step count. */
  readonly defaultFrom?: 'lr' | 'steps';
  readonly bounds: Bounds;
  readonly description: string;
}

/** Every field of a schedule with a value: the file's, else its default. */
export type ScheduleFields = Readonly<Record<string, number>>;

/** What a schedule's defaults may depend on. */
export interface ScheduleContext {
  /** The run's learning rate (the `lr` hyperparameter). */
  readonly lr: number;
  /** The experiment's number of updates. */
  readonly steps: number;
}

export interface ScheduleTypeSpec {
  readonly type: string;
  /** PyTorch's scheduler with the same values, or null. */
  readonly torchClass: string | null;
  readonly summary: string;
  readonly fields: readonly ScheduleFieldSpec[];
  /** The schedule from the base learning rate and complete fields. */
  readonly build: (lr: number, f: ScheduleFields) => Schedule;
  /** A rule between fields that bounds alone cannot say: the field it is about and why, or undefined. */
  readonly check?: (f: ScheduleFields) => { field: string; message: string } | undefined;
}

/** A field declaration; its name and whether it is required stay literal types, from which `ScheduleSpec` is derived. */
function field<const N extends string, const M extends Partial<ScheduleFieldSpec> = object>(name: N, bounds: Bounds, description: string,
  more?: M): ScheduleFieldSpec & { readonly name: N; readonly required: M extends { required: true } ? true : false } {
  return { required: false, integer: false, ...more, name, bounds, description } as ScheduleFieldSpec & { name: N; required: M extends { required: true } ? true : false };
}
const required = { required: true } as const;
const count = { integer: true } as const;
const positive: Bounds = { min: 0, minExclusive: true };

/** OneCycleLR's cosine annealing from `start` to `end`, `pct` of the way. */
const anneal = (start: number, end: number, pct: number): number => end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);

const list = [
  {
    type: 'constant', torchClass: null, summary: 'The same learning rate at every step.', fields: [],
    build: (lr) => () => lr,
  },
  {
    type: 'step', torchClass: 'StepLR', summary: 'Multiply the learning rate by γ every `stepSize` steps.',
    fields: [
      field('stepSize', { min: 1 }, 'Number of steps between two decays.', { ...required, ...count }),
      field('gamma', positive, 'γ: the factor applied at each decay.', { default: 0.1 }),
    ],
    build: (lr, f) => (c) => lr * f.gamma ** Math.floor(c / f.stepSize),
  },
  {
    type: 'exponential', torchClass: 'ExponentialLR', summary: 'Multiply the learning rate by γ every step.',
    fields: [field('gamma', positive, 'γ: the factor applied at every step.', required)],
    build: (lr, f) => (c) => lr * f.gamma ** c,
  },
  {
    type: 'cosine', torchClass: null,
    summary: 'Linear warmup from 0, then a cosine decay to `minLr` over `steps` steps in all.',
    fields: [
      field('steps', { min: 1 }, 'Length of the schedule (warmup included), in steps; the experiment\'s steps when absent.', { ...count, defaultFrom: 'steps' }),
      field('warmup', { min: 0 }, 'Number of warmup steps (the learning rate rises linearly from 0).', { ...count, default: 0 }),
      field('minLr', { min: 0 }, 'Learning rate at the end of the decay (absolute).', { default: 0 }),
    ],
    check: (f) => (f.warmup > f.steps ? { field: 'warmup', message: `must not exceed steps (${f.steps}), got ${f.warmup}` } : undefined),
    build: (lr, f) => {
      const decay = Math.max(1, f.steps - f.warmup);
      return (c) => {
        if (c < f.warmup) return lr * c / f.warmup;
        const progress = Math.min(1, (c - f.warmup) / decay);
        return f.minLr + (lr - f.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
      };
    },
  },
  {
    type: 'linearWarmup', torchClass: 'LinearLR',
    summary: 'Rise linearly from `startFactor`·lr to lr over `warmup` steps, then stay.',
    fields: [
      field('warmup', { min: 1 }, 'Number of warmup steps.', { ...required, ...count }),
      field('startFactor', { min: 0, max: 1 }, 'Fraction of the learning rate used by the first step.', { default: 0 }),
    ],
    build: (lr, f) => (c) => lr * (f.startFactor + (1 - f.startFactor) * Math.min(f.warmup, c) / f.warmup),
  },
  {
    type: 'oneCycle', torchClass: 'OneCycleLR',
    summary: 'The 1cycle policy: cosine up to `maxLr`, then cosine down far below the start.',
    fields: [
      field('steps', { min: 2 }, 'Length of the cycle, in steps; the experiment\'s steps when absent.', { ...count, defaultFrom: 'steps' }),
      field('maxLr', positive, 'Peak learning rate (absolute); the run\'s lr when absent.', { defaultFrom: 'lr' }),
      field('pctStart', { min: 0, minExclusive: true, max: 1, maxExclusive: true }, 'Fraction of the cycle spent rising.', { default: 0.3 }),
      field('divFactor', { min: 1 }, 'The first learning rate is maxLr / divFactor.', { default: 25 }),
      field('finalDivFactor', { min: 1 }, 'The last learning rate is maxLr / (divFactor · finalDivFactor).', { default: 1e4 }),
    ],
    // OneCycleLR divides by pctStart·steps − 1 and by steps − pctStart·steps: both phases need length.
    check: (f) => {
      const up = f.pctStart * f.steps - 1, last = f.steps - 1;
      return up > 0 && last - up > 0 ? undefined
        : { field: 'pctStart', message: `leaves an empty phase: pctStart·steps − 1 = ${up} must lie strictly between 0 and steps − 1 = ${last}` };
    },
    build: (lr, f) => {
      const initialLr = f.maxLr / f.divFactor;
      const minLr = initialLr / f.finalDivFactor;
      const end1 = f.pctStart * f.steps - 1;
      const end2 = f.steps - 1;
      return (c) => {
        const n = Math.min(c, end2);
        if (n <= end1) return end1 > 0 ? anneal(initialLr, f.maxLr, n / end1) : f.maxLr;
        return end2 > end1 ? anneal(f.maxLr, minLr, (n - end1) / (end2 - end1)) : minLr;
      };
    },
  },
] as const satisfies readonly ScheduleTypeSpec[];

type Declared = (typeof list)[number];
type FieldOf<D extends Declared> = D['fields'][number];
type SpecOf<D extends Declared> = { readonly type: D['type'] }
  & { readonly [F in FieldOf<D> as F extends { required: true } ? F['name'] : never]: number }
  & { readonly [F in FieldOf<D> as F extends { required: true } ? never : F['name']]?: number };

/** A learning-rate schedule as written in experiment files (validated by `validateSchedule`). */
export type ScheduleSpec = Declared extends infer D ? D extends Declared ? SpecOf<D> : never : never;

/** The registry of schedule types and their fields (one source of truth). */
export const SCHEDULES: readonly (ScheduleTypeSpec & { readonly type: ScheduleSpec['type'] })[] = list;

const byType = new Map<string, ScheduleTypeSpec>(SCHEDULES.map((s) => [s.type, s]));

/** The declaration of a schedule type, or undefined. */
export function scheduleType(type: string): ScheduleTypeSpec | undefined {
  return byType.get(type);
}

/** Every field of a valid schedule with its value: the spec's own, else the default (from `context` where it says so). */
export function scheduleFields(spec: ScheduleSpec, context: ScheduleContext): ScheduleFields {
  const own = spec as unknown as Readonly<Record<string, number | undefined>>;
  const out: Record<string, number> = {};
  for (const f of scheduleType(spec.type)?.fields ?? []) {
    const value = own[f.name] ?? (f.defaultFrom ? context[f.defaultFrom] : f.default);
    if (value !== undefined) out[f.name] = value;
  }
  return out;
}

/**
 * The schedule of a run: `count → η`. `spec` must be valid (`validateSchedule`); undefined means
 * constant. `totalSteps` is the experiment's step count, for fields that default to it.
 */
export function createSchedule(spec: ScheduleSpec | undefined, baseLr: number, totalSteps: number): Schedule {
  if (spec === undefined) return () => baseLr;
  const type = scheduleType(spec.type);
  if (!type) throw new Error(`unknown schedule type "${spec.type}"`);
  return type.build(baseLr, scheduleFields(spec, { lr: baseLr, steps: totalSteps }));
}

/**
 * Validates a schedule as written in an experiment file. Every issue names its field path
 * (`runs[0].schedule.warmup`) and the reason. An empty list means `raw` is a valid `ScheduleSpec`.
 * `context` (the run's lr, the experiment's steps) lets rules between fields check defaults too;
 * without it they are checked only when every field they need is given.
 */
export function validateSchedule(raw: unknown, path: string, context?: ScheduleContext): ValidationIssue[] {
  const types = SCHEDULES.map((s) => s.type);
  if (!isRecord(raw)) {
    return [{ path, message: `must be an object such as {"type": "cosine", "warmup": 10}, got ${describeValue(raw)}` }];
  }
  const type = ownValue(raw, 'type');
  if (type === undefined) return [{ path: `${path}.type`, message: `is required: one of ${quoted(types)}` }];
  const spec = typeof type === 'string' ? byType.get(type) : undefined;
  if (spec === undefined) {
    const hint = typeof type === 'string' ? didYouMean(type, types) : '';
    return [{ path: `${path}.type`, message: `unknown schedule type ${describeValue(type)}${hint} (one of ${quoted(types)})` }];
  }
  const issues: ValidationIssue[] = [];
  const names = spec.fields.map((f) => f.name);
  for (const key of Object.keys(raw)) {
    if (key === 'type' || names.includes(key)) continue;
    const allowed = names.length ? `its fields are ${quoted(names)}` : 'it has no fields';
    issues.push({ path: `${path}.${key}`, message: `unknown field for a "${spec.type}" schedule${didYouMean(key, names)} (${allowed})` });
  }
  for (const f of spec.fields) {
    const value = ownValue(raw, f.name);
    if (value === undefined) {
      if (f.required) issues.push({ path: `${path}.${f.name}`, message: `is required for a "${spec.type}" schedule: ${f.description}` });
      continue;
    }
    const reason = checkNumber(value, f.bounds, f.integer);
    if (reason) issues.push({ path: `${path}.${f.name}`, message: reason });
  }
  if (issues.length > 0 || !spec.check) return issues;
  const fields = context ? scheduleFields(raw as unknown as ScheduleSpec, context)
    : Object.fromEntries(spec.fields.flatMap((f) => {
      const v = ownValue(raw, f.name) ?? f.default;
      return typeof v === 'number' ? [[f.name, v]] : [];
    }));
  // Without the experiment's steps, a rule that needs them waits for validateExperiment.
  if (spec.fields.some((f) => f.defaultFrom === 'steps' && fields[f.name] === undefined)) return issues;
  const broken = spec.check(fields);
  if (broken) issues.push({ path: `${path}.${broken.field}`, message: broken.message });
  return issues;
}
