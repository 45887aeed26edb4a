/** Test helpers: compile a snippet and load it into a sandbox in this thread (what the worker does). */
import * as assert from 'node:assert/strict';
import { compileSnippet, type CompileOptions } from '../../src/snippet/compile';
import { Sandbox } from '../../src/snippet/sandbox';
import type { CompiledSnippet } from '../../src/snippet/types';

export const noHooks = { before(): void { /* no watchdog in-thread */ }, after(): void { /* idem */ } };

export function compiled(source: string, options?: CompileOptions): CompiledSnippet {
  const r = compileSnippet(source, options);
  if (!r.ok) assert.fail(`expected the snippet to compile: ${r.error.message}`);
  return r;
}

/** A loaded sandbox, probed at `at` (so the gradient mode is final). */
export function sandbox(source: string, at?: readonly number[], options?: CompileOptions): Sandbox {
  const s = new Sandbox(compiled(source, options), noHooks);
  if (at) s.probe(at);
  return s;
}

/** The snippet on the general tape only (its fast paths removed), probed at `at` when given. */
export function tapeSandbox(source: string, at?: readonly number[]): Sandbox {
  const c = compiled(source, { fastPaths: false });
  assert.equal(c.fastPath, undefined);
  const s = new Sandbox(c, noHooks);
  if (at) s.probe(at);
  return s;
}

/** Loss and gradient at `at`, by the sandbox's gradient mode. */
export function valueAndGrad(s: Sandbox, at: readonly number[], batch: Int32Array | null = null): { value: number; grad: number[] } {
  const o = s.objective(at.length);
  const g = new Float64Array(at.length);
  const value = o.valueAndGrad(Float64Array.from(at), g, batch);
  return { value, grad: Array.from(g) };
}

/** Central differences of the plain loss, h = 1e-5·max(1, |θᵢ|). */
export function centralDifferences(s: Sandbox, at: readonly number[], batch: Int32Array | null = null): number[] {
  const o = s.objective(at.length);
  const x = Float64Array.from(at);
  return at.map((xi, i) => {
    const h = 1e-5 * Math.max(1, Math.abs(xi));
    x[i] = xi + h; const up = o.value(x, batch);
    x[i] = xi - h; const down = o.value(x, batch);
    x[i] = xi;
    return (up - down) / (2 * h);
  });
}

/** |a − b| ≤ rel·max(1, ‖b‖∞) componentwise. */
export function assertClose(actual: readonly number[], expected: readonly number[], rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...expected.map(Math.abs));
  actual.forEach((a, i) => {
    assert.ok(Math.abs(a - expected[i]) <= rel * scale,
      `${what}: component ${i}: ${a} vs ${expected[i]} (tolerance ${rel * scale})`);
  });
}
