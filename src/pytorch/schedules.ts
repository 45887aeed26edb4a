/**
 * Each run's learning-rate schedule in Python, its fields complete with the declaration's defaults
 * (`scheduleFields`): the torch.optim.lr_scheduler class the declaration names where torch computes
 * the same rates for the whole run, else a LambdaLR over the closed form the engine uses. A
 * LambdaLR that gives the absolute rate runs on an optimizer built with lr = 1.0, so the rate is
 * exact, and right also for lr = 0.
 */
import { scheduleFields, scheduleType } from '../engine/schedules';
import type { RunSpec } from '../engine/types';

/** Closed forms the engine uses (src/engine/schedules.ts), for schedules torch has no class for. */
export const SCHEDULE_HELPERS: Readonly<Record<string, string>> = {
  warmup_cosine: `def warmup_cosine(c, lr, steps, warmup, min_lr):
    """Linear warmup from 0 over warmup steps, then a half cosine down to min_lr at steps."""
    if c < warmup:
        return lr * c / warmup
    progress = min(1, (c - warmup) / max(1, steps - warmup))
    return min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))`,
  one_cycle: `def one_cycle(c, steps, max_lr, pct_start, div_factor, final_div_factor):
    """OneCycleLR (cosine, no momentum cycling), staying at its final rate after steps."""
    initial = max_lr / div_factor
    final = initial / final_div_factor
    end1, end2 = pct_start * steps - 1, steps - 1
    n = min(c, end2)
    anneal = lambda start, end, pct: end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    if n <= end1:
        return anneal(initial, max_lr, n / end1) if end1 > 0 else max_lr
    return anneal(max_lr, final, (n - end1) / (end2 - end1)) if end2 > end1 else final`,
};

export interface PythonSchedule {
  /** `lambda opt: torch.optim.lr_scheduler.StepLR(opt, …)`. */
  readonly factory: string;
  /** The learning rate the optimizer is built with (1.0 when the schedule gives the absolute rate). */
  readonly optimizerLr?: number;
  /** The helper of SCHEDULE_HELPERS it calls, if any. */
  readonly helper?: string;
}

const S = 'torch.optim.lr_scheduler';

/** The schedule of a run, or undefined for a constant rate. `steps` is the experiment's. */
export function scheduleFactory(run: RunSpec, lr: number, steps: number): PythonSchedule | undefined {
  const spec = run.schedule;
  if (!spec || spec.type === 'constant') return undefined;
  const type = scheduleType(spec.type);
  if (!type) throw new Error(`unknown schedule type "${spec.type}"`);
  const f = scheduleFields(spec, { lr, steps });
  switch (spec.type) {
    case 'step': return { factory: `lambda opt: ${S}.${type.torchClass}(opt, step_size=${f.stepSize}, gamma=${f.gamma})` };
    case 'exponential': return { factory: `lambda opt: ${S}.${type.torchClass}(opt, gamma=${f.gamma})` };
    case 'linearWarmup':
      // torch's LinearLR refuses start_factor 0; the engine's own factor is then min(c, w)/w, which LambdaLR multiplies as the engine does.
      return f.startFactor > 0
        ? { factory: `lambda opt: ${S}.${type.torchClass}(opt, start_factor=${f.startFactor}, end_factor=1.0, total_iters=${f.warmup})` }
        : { factory: `lambda opt: ${S}.LambdaLR(opt, lambda c: min(c, ${f.warmup}) / ${f.warmup})` };
    case 'cosine':
      return { factory: `lambda opt: ${S}.LambdaLR(opt, lambda c: warmup_cosine(c, lr=${lr}, steps=${f.steps}, warmup=${f.warmup}, min_lr=${f.minLr}))`,
        optimizerLr: 1.0, helper: 'warmup_cosine' };
    case 'oneCycle': {
      const args = `steps=${f.steps}, max_lr=${f.maxLr}, pct_start=${f.pctStart}, div_factor=${f.divFactor}, final_div_factor=${f.finalDivFactor}`;
      // OneCycleLR goes on past its last step (the engine stays at the final rate): only when the cycle covers the run.
      if (f.steps >= steps) {
        return { factory: `lambda opt: ${S}.${type.torchClass}(opt, max_lr=${f.maxLr}, total_steps=${f.steps}, pct_start=${f.pctStart}, `
          + `div_factor=${f.divFactor}, final_div_factor=${f.finalDivFactor}, anneal_strategy="cos", cycle_momentum=False)` };
      }
      return { factory: `lambda opt: ${S}.LambdaLR(opt, lambda c: one_cycle(c, ${args}))`, optimizerLr: 1.0, helper: 'one_cycle' };
    }
  }
  return undefined;
}
