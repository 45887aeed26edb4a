/** What the optimizers' formulas share: reading hyperparameters, coupled weight decay, the papers cited, the draft type. */
import type { Hyperparameters } from '../../engine/types';
import type { Formula, ReferenceState } from '../types';
import { eq } from '../tex';

export function num(h: Hyperparameters, name: string): number {
  const v = h[name];
  if (typeof v !== 'number') throw new Error(`hyperparameter "${name}" should be a number, got ${JSON.stringify(v)}`);
  return v;
}
export function flag(h: Hyperparameters, name: string): boolean {
  return h[name] === true;
}
export function betas(h: Hyperparameters): readonly [number, number] {
  const v = h.betas;
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`hyperparameter "betas" should be [β₁, β₂], got ${JSON.stringify(v)}`);
  return v as readonly [number, number];
}
export const zeros = (n: number): Float64Array => new Float64Array(n);
export const vec = (s: ReferenceState, k: string): Float64Array => s[k] as Float64Array;

/** gₜ = ∇J(θ) + λθ (coupled weight decay / L2), into a fresh vector. */
export function coupled(g: Float64Array, theta: Float64Array, h: Hyperparameters): Float64Array {
  const wd = num(h, 'weightDecay');
  return g.map((gi, i) => gi + wd * theta[i]);
}

export const gradientLine = eq(String.raw`⟨g⟩ = ⟨gradJ|\nabla_\theta J(\theta_{t-1})⟩ + ⟨wd⟩⟨theta|\theta_{t-1}⟩`,
  'gₜ = ∇θJ(θₜ₋₁) + λ·θₜ₋₁   (coupled weight decay: added to the gradient)');
export const paper = {
  ruder: { title: 'An overview of gradient descent optimization algorithms', authors: 'S. Ruder', year: 2016, url: 'https://arxiv.org/abs/1609.04747' },
  polyak: { title: 'Some methods of speeding up the convergence of iteration methods', authors: 'B. T. Polyak', year: 1964, url: 'https://doi.org/10.1016/0041-5553(64)90137-5' },
  sutskever: { title: 'On the importance of initialization and momentum in deep learning', authors: 'I. Sutskever, J. Martens, G. Dahl, G. Hinton', year: 2013, url: 'https://proceedings.mlr.press/v28/sutskever13.html' },
  adagrad: { title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization', authors: 'J. Duchi, E. Hazan, Y. Singer', year: 2011, url: 'https://jmlr.org/papers/v12/duchi11a.html' },
  rmsprop: { title: 'Neural Networks for Machine Learning, Lecture 6e: RMSprop', authors: 'G. Hinton, N. Srivastava, K. Swersky', year: 2012, url: 'https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf' },
  adam: { title: 'Adam: A Method for Stochastic Optimization', authors: 'D. P. Kingma, J. Ba', year: 2015, url: 'https://arxiv.org/abs/1412.6980' },
  adamw: { title: 'Decoupled Weight Decay Regularization', authors: 'I. Loshchilov, F. Hutter', year: 2019, url: 'https://arxiv.org/abs/1711.05101' },
  nadam: { title: 'Incorporating Nesterov Momentum into Adam', authors: 'T. Dozat', year: 2016, url: 'https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ' },
  radam: { title: 'On the Variance of the Adaptive Learning Rate and Beyond', authors: 'L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han', year: 2020, url: 'https://arxiv.org/abs/1908.03265' },
  adadelta: { title: 'ADADELTA: An Adaptive Learning Rate Method', authors: 'M. D. Zeiler', year: 2012, url: 'https://arxiv.org/abs/1212.5701' },
  lion: { title: 'Symbolic Discovery of Optimization Algorithms', authors: 'X. Chen, C. Liang, D. Huang, E. Real, et al.', year: 2023, url: 'https://arxiv.org/abs/2302.06675' },
} as const;

/** A formula as written here; its title is the optimizer's name from the hyperparameter registry. */
export type Draft = Omit<Formula, 'symbols' | 'kind' | 'title'>;

