/**
 * A winding ravine: the floor follows y = sin(x) and is 100 times steeper across than along.
 * Plain gradient descent zig-zags across it; momentum and Adam follow the floor.
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
export const domain = { x: [-3.5, 1.5], y: [-2, 2] };
