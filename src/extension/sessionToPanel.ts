/**
 * What a sandbox session reports, as the protocol carries it to the webview: the loss's info,
 * optimizer state at a step (non-finite values as wire numbers) and the loss's errors.
 */
import { toWire, wireNumber, type InspectResult, type LossInfo, type PanelError, type WireNumber } from '../protocol';
import type { InspectResult as SnippetInspectResult, LossError, SessionInfo } from '../snippet/types';

/** An inspect result as the protocol carries it: non-finite values (a diverged run's) as wire numbers. */
export function inspectToWire(r: SnippetInspectResult): InspectResult {
  const state: Record<string, Record<string, WireNumber | boolean | WireNumber[]>> = {};
  for (const [name, fields] of Object.entries(r.state)) {
    state[name] = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'boolean' ? v : typeof v === 'number' ? wireNumber(v) : toWire(v)]));
  }
  return {
    step: r.step, params: toWire(r.params), grad: toWire(r.grad), lr: wireNumber(r.lr), state,
    ...(r.gradUsed ? { gradUsed: toWire(r.gradUsed) } : {}), ...(r.prevParams ? { prevParams: toWire(r.prevParams) } : {}),
    ...(r.gradAtPrev ? { gradAtPrev: toWire(r.gradAtPrev) } : {}),
    ...(r.hessian ? { hessian: toWire(r.hessian) } : {}),
  };
}

export function lossErrorToPanel(e: unknown): PanelError[] {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const le = e as LossError;
    return [{ kind: le.kind, message: le.message, ...(le.diagnostics ? { diagnostics: le.diagnostics } : {}) }];
  }
  return [{ kind: 'internal', message: e instanceof Error ? e.message : String(e) }];
}

/** The loss's info as the webview reads it (dimension, start, domain, data, gradient, a quadratic's spectrum). */
export function lossInfo(info: SessionInfo): LossInfo {
  const q = info.curvature?.quadratic;
  return {
    dim: info.dim, init: [...info.init], ...(info.domain ? { domain: info.domain } : {}), dataSize: info.dataSize, gradient: info.gradient,
    ...(q ? { quadratic: { eigenvalues: [...q.eigenvalues], minimum: q.minimum, ...(q.stochastic ? { stochastic: q.stochastic } : {}) } } : {}),
  };
}
