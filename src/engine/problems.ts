/**
 * Built-in problems: classic optimization test functions (problems/plane.ts,
 * problems/anyDimension.ts) and two small learning problems with seeded synthetic data
 * (problems/regression.ts), each declared once (problems/define.ts).
 */
import { ackley, rastrigin, styblinskiTang } from './problems/anyDimension';
import type { Problem } from './problems/define';
import { beale, booth, himmelblau, illConditioned, matyas, rosenbrock, saddle } from './problems/plane';
import { linearRegression, logisticRegression } from './problems/regression';

export type { ObjectiveOptions, Problem, ProblemMinimum } from './problems/define';
export { linearRegressionData, logisticRegressionData } from './problems/data';

/** Every built-in problem, in the order a picker shows them. */
export const PROBLEMS: readonly Problem[] = [
  rosenbrock, beale, himmelblau, rastrigin, booth, matyas, ackley, styblinskiTang,
  illConditioned, saddle, linearRegression, logisticRegression,
];

const byName = new Map(PROBLEMS.map((p) => [p.name, p]));

/** The built-in problem called `name`, or undefined. */
export function getProblem(name: string): Problem | undefined {
  return byName.get(name);
}
