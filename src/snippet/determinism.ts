/**
 * A loss must give the same value for the same parameters, or its runs cannot be reproduced (nor
 * compared with PyTorch's). A loss that keeps state between evaluations, or draws random numbers,
 * does not: `checkDeterminism` evaluates again, with the same params and batch, the 1st, 2nd,
 * 4th, 8th, … evaluation of each kind (value, value and gradient) — a few dozen extra evaluations
 * in a long run — and compares the results bit for bit, gradient included. The first difference
 * is reported once.
 */
import type { Objective, Vec } from '../engine/types';
import { formatParams } from './format';

export function checkDeterminism(objective: Objective, onDifferent: (message: string) => void): Objective {
  let values = 0, nextValue = 1, grads = 0, nextGrad = 1, reported = false;
  const again = new Float64Array(objective.dim);
  const report = (params: Vec, first: number, second: number): void => {
    if (reported) return;
    reported = true;
    const what = Object.is(first, second) ? `the same value ${first}, another gradient` : `${first}, then ${second}`;
    onDifferent(`the loss gave different results for the same parameters (${what}, at params ${formatParams(params)}): `
      + 'it keeps state between evaluations or is random, so its runs cannot be reproduced');
  };
  return {
    // The Hessian's members (curvature) as they are: a curvature run's Hessians come from the same code.
    ...objective,
    value(params: Vec, batch: Int32Array | null): number {
      const r = objective.value(params, batch);
      if (++values === nextValue && !reported) {
        nextValue *= 2;
        const second = objective.value(params, batch);
        if (!Object.is(r, second)) report(params, r, second);
      }
      return r;
    },
    valueAndGrad(params: Vec, grad: Vec, batch: Int32Array | null): number {
      const r = objective.valueAndGrad(params, grad, batch);
      if (++grads === nextGrad && !reported) {
        nextGrad *= 2;
        const second = objective.valueAndGrad(params, again, batch);
        let same = Object.is(r, second);
        for (let k = 0; k < objective.dim && same; k++) same = Object.is(grad[k], again[k]);
        if (!same) report(params, r, second);
      }
      return r;
    },
  };
}
