/**
 * A winding ravine: the floor follows y = sin(x), a hundred times steeper across than along.
 * Gradient descent must keep its step small enough for the steep walls and then crawls along
 * the floor; momentum builds up speed along it; Adam's per-parameter step sizes are tuned to the
 * axes, and this ravine is not aligned with them.
 * The optimizers get exact gradients by automatic differentiation of this code.
 */
const steepness = 10;

function floor(x: number): number {
  return Math.sin(x);
}

export default function loss([x, y]: number[]): number {
  const across = y - floor(x);
  return 0.1 * x * x + steepness * across * across;
}

export const init = [-3, 1.5];
export const domain = { x: [-4.5, 1.5], y: [-2, 2] };
