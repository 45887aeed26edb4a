/**
 * Optimizers as chains of gradient transformations (optax's aliases), with torch.optim 1.13's
 * numerics. Every chain starts with the run's gradient clipping (if any) and ends with
 * `scaleByLearningRate(schedule)`, so a schedule multiplies the `lr` hyperparameter and a step uses
 * exactly what PyTorch uses when `group['lr']` is set to it before `optimizer.step()`.
 *
 * | id         | chain (after clipping)                                                    | PyTorch            |
 * | ---------- | ------------------------------------------------------------------------- | ------------------ |
 * | `gd`       | [addDecayedWeights] → lr                         θ ← θ − η(∇J + wd·θ)     | SGD()              |
 * | `momentum` | [addDecayedWeights] → lr → traceMomentum         m ← βm + η∇J, θ ← θ − m  | SGD(momentum) at constant η |
 * | `sgd`      | [addDecayedWeights] → [traceMomentum] → lr                                | SGD                |
 * | `adagrad`  | [addDecayedWeights] → scaleByAdagrad → lr                                 | Adagrad            |
 * | `rmsprop`  | [addDecayedWeights] → scaleByRms / scaleByStddev → [traceMomentum] → lr   | RMSprop            |
 * | `adam`     | [addDecayedWeights] → scaleByAdam → lr                                    | Adam               |
 * | `adamw`    | scaleByAdam → [addDecayedWeights] → lr                                    | AdamW              |
 * | `adamax`   | [addDecayedWeights] → scaleByAdamax → lr                                  | Adamax             |
 * | `nadam`    | [addDecayedWeights] → scaleByNadam → lr                                   | NAdam              |
 * | `radam`    | [addDecayedWeights] → scaleByRadam → lr                                   | RAdam              |
 * | `adadelta` | [addDecayedWeights] → scaleByAdadelta → lr                                | Adadelta           |
 * | `lion`     | scaleByLion → [addDecayedWeights] → lr                                    | (paper, Program 1) |
 *
 * Bracketed members are left out when their hyperparameter is 0, as PyTorch skips them
 * (`if weight_decay != 0`), so the arithmetic is the same.
 *
 * The seed's two forms: `gd` is plain gradient descent with the seed's weight decay; `momentum`
 * keeps η inside the velocity (m ← βm + η∇J). Under a constant η, m = η·b for PyTorch's buffer b and
 * `momentum` ≡ `sgd` with the same μ; under a schedule they differ (a change of η reaches `momentum`
 * gradually, `sgd` at once).
 */
import { createClip } from './clip';
import { defaultHyperparameters, optimizerSpec } from './hyperparameters';
import { createSchedule } from './schedules';
import {
  addDecayedWeights, chain, scaleByAdadelta, scaleByAdagrad, scaleByAdam, scaleByAdamax, scaleByLearningRate,
  scaleByLion, scaleByNadam, scaleByRadam, scaleByRms, scaleByStddev, traceMomentum,
} from './transforms';
import type { ChainState } from './transforms';
import type { GradientTransformation, Hyperparameters, HyperparameterValue, RunSpec, Schedule } from './types';

export interface Optimizer {
  /** The whole chain; its state is an array of `{ name, state }`, one per transformation. */
  readonly transform: GradientTransformation<ChainState>;
  /** The learning rate used by update number `count` (0-based), from the schedule. */
  learningRate(count: number): number;
}

function reader(id: string, hp: Hyperparameters) {
  const defaults = defaultHyperparameters(id);
  const get = (name: string): HyperparameterValue => {
    const v = hp[name] ?? defaults[name];
    if (v === undefined) throw new Error(`optimizer "${id}" has no hyperparameter "${name}"`);
    return v;
  };
  return {
    num(name: string): number {
      const v = get(name);
      if (typeof v !== 'number') throw new Error(`${id}: hyperparameter "${name}" must be a number, got ${JSON.stringify(v)}`);
      return v;
    },
    bool(name: string): boolean {
      const v = get(name);
      if (typeof v !== 'boolean') throw new Error(`${id}: hyperparameter "${name}" must be true or false, got ${JSON.stringify(v)}`);
      return v;
    },
    betas(name: string): readonly [number, number] {
      const v = get(name);
      if (!Array.isArray(v) || v.length !== 2) throw new Error(`${id}: hyperparameter "${name}" must be a pair of numbers, got ${JSON.stringify(v)}`);
      return v as readonly [number, number];
    },
  };
}

/**
 * The optimizer of a run: its chain (clipping first, then the algorithm, then the scheduled
 * learning rate) and its schedule. `run.hyperparameters` may omit values (defaults are filled from
 * the registry); `totalSteps` stands in for a schedule's missing `steps`.
 */
export function createOptimizer(run: RunSpec, totalSteps: number): Optimizer {
  const id = run.optimizer;
  if (!optimizerSpec(id)) throw new Error(`unknown optimizer "${id}"`);
  const h = reader(id, run.hyperparameters);
  const schedule: Schedule = createSchedule(run.schedule, h.num('lr'), totalSteps);
  const lr = scaleByLearningRate(schedule);
  const ts: GradientTransformation[] = [];
  if (run.clip) ts.push(createClip(run.clip));
  const wd = h.num('weightDecay');
  const l2 = (): void => { if (wd !== 0) ts.push(addDecayedWeights(wd)); };

  switch (id) {
    case 'gd':
      l2();
      ts.push(lr);
      break;
    case 'momentum':
      l2();
      ts.push(lr, traceMomentum({ momentum: h.num('momentum') }));
      break;
    case 'sgd': {
      const momentum = h.num('momentum');
      const dampening = h.num('dampening');
      const nesterov = h.bool('nesterov');
      if (nesterov && (momentum <= 0 || dampening !== 0)) {
        throw new Error('sgd: Nesterov momentum requires momentum > 0 and dampening 0');
      }
      l2();
      if (momentum !== 0) ts.push(traceMomentum({ momentum, dampening, nesterov }));
      ts.push(lr);
      break;
    }
    case 'adagrad':
      l2();
      ts.push(scaleByAdagrad({ eps: h.num('eps'), lrDecay: h.num('lrDecay'), initialAccumulatorValue: h.num('initialAccumulatorValue') }), lr);
      break;
    case 'rmsprop': {
      l2();
      const alpha = h.num('alpha');
      const eps = h.num('eps');
      ts.push(h.bool('centered') ? scaleByStddev({ alpha, eps }) : scaleByRms({ alpha, eps }));
      const momentum = h.num('momentum');
      if (momentum > 0) ts.push(traceMomentum({ momentum }));
      ts.push(lr);
      break;
    }
    case 'adam': {
      const [b1, b2] = h.betas('betas');
      l2();
      ts.push(scaleByAdam({ b1, b2, eps: h.num('eps'), amsgrad: h.bool('amsgrad') }), lr);
      break;
    }
    case 'adamw': {
      const [b1, b2] = h.betas('betas');
      ts.push(scaleByAdam({ b1, b2, eps: h.num('eps'), amsgrad: h.bool('amsgrad') }));
      l2();
      ts.push(lr);
      break;
    }
    case 'adamax': {
      const [b1, b2] = h.betas('betas');
      l2();
      ts.push(scaleByAdamax({ b1, b2, eps: h.num('eps') }), lr);
      break;
    }
    case 'nadam': {
      const [b1, b2] = h.betas('betas');
      l2();
      ts.push(scaleByNadam({ b1, b2, eps: h.num('eps'), momentumDecay: h.num('momentumDecay') }), lr);
      break;
    }
    case 'radam': {
      const [b1, b2] = h.betas('betas');
      l2();
      ts.push(scaleByRadam({ b1, b2, eps: h.num('eps') }), lr);
      break;
    }
    case 'adadelta':
      l2();
      ts.push(scaleByAdadelta({ rho: h.num('rho'), eps: h.num('eps') }), lr);
      break;
    case 'lion': {
      const [b1, b2] = h.betas('betas');
      ts.push(scaleByLion({ b1, b2 }));
      l2();
      ts.push(lr);
      break;
    }
    default:
      throw new Error(`optimizer "${id}" is in the registry but has no implementation`);
  }
  return { transform: chain(...ts), learningRate: schedule };
}
