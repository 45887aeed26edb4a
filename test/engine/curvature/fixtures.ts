/** The torch curvature fixtures (tools/torch/generate_curvature_fixtures.py): read, typed. */
import { readFileSync } from 'node:fs';
import { repoPath } from '../../repoRoot';

export interface HessianPoint {
  readonly params: number[];
  readonly loss: number;
  readonly hessian: number[];
  readonly eigenvalues: number[];
  readonly batch?: number[];
}
export interface PresetHessians { readonly problem: string; readonly dim: number; readonly points: HessianPoint[] }
export interface SharpnessRun {
  readonly optimizer: string;
  readonly problem: 'rosenbrock' | 'quadratic5' | 'styblinskiTang5';
  readonly hyperparameters: Record<string, number | boolean | [number, number]>;
  readonly init: number[];
  readonly params: number[][];
  readonly sharpness: number[];
  readonly preconditionedSharpness: number[];
}
export interface SnippetHessians {
  readonly name: string;
  readonly source: string;
  readonly points: HessianPoint[];
  readonly batch?: HessianPoint & { readonly indices: number[] };
}
export interface CurvatureFixtures {
  readonly quadratic5: { readonly A: number[]; readonly c: number[] };
  readonly presets: PresetHessians[];
  readonly runs: SharpnessRun[];
  readonly snippets: SnippetHessians[];
}

export const curvatureFixtures: CurvatureFixtures = JSON.parse(
  readFileSync(repoPath('test', 'fixtures', 'torch', 'curvature.json'), 'utf8'));
