/** The chain and its state: how transformations compose, and how updates reach the parameters. */
import type { GradientTransformation, Vec } from '../types';

/** One member of a chain's state: the transformation's name and its own state. */
export interface ChainEntry {
  readonly name: string;
  readonly state: object;
}

/** A chain's state: one entry per transformation, in order (inspectable by name). */
export type ChainState = ChainEntry[];

/** The identity: leaves updates unchanged. `chain()` of nothing behaves like it. */
export function identity(): GradientTransformation<Record<string, never>> {
  return { name: 'identity', init: () => ({}), update: () => undefined };
}

/**
 * Applies transformations in order: the output of one is the input of the next.
 * The state is an array of `{ name, state }`, one per member.
 */
export function chain(...ts: GradientTransformation[]): GradientTransformation<ChainState> {
  const members = ts.slice();
  return {
    name: 'chain',
    init(params: Vec): ChainState {
      return members.map((t) => ({ name: t.name, state: t.init(params) }));
    },
    update(updates: Vec, state: ChainState, params: Vec): void {
      for (let k = 0; k < members.length; k++) members[k].update(updates, state[k].state, params);
    },
  };
}

/** θ ← θ + u (the optimizer's output is added to the parameters). */
export function applyUpdates(params: Vec, updates: Vec): void {
  for (let i = 0; i < params.length; i++) params[i] += updates[i];
}

/** The entry of a chain's state with this transformation name (the first one), or undefined. */
export function findState<S extends object = Record<string, unknown>>(state: ChainState, name: string): S | undefined {
  const entry = state.find((e) => e.name === name);
  return entry ? (entry.state as S) : undefined;
}

/** A deep copy of plain-data state (numbers, booleans, strings, Float64Arrays, arrays, records). */
export function copyState<S>(state: S): S {
  if (state instanceof Float64Array) return new Float64Array(state) as S;
  if (Array.isArray(state)) return state.map((s) => copyState(s)) as S;
  if (state !== null && typeof state === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(state)) out[k] = copyState(v);
    return out as S;
  }
  return state;
}
