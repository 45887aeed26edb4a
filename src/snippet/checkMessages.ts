/**
 * What the host accepts from a sandbox process, besides runner events (eventRelay.ts): the loss's
 * info, its fatal error, notices, replies and runs' summaries — each checked for shape and cut to its length limits
 * before anything of the host uses it. A process taken over by its loss could send anything; what
 * does not pass ends the process ('protocol').
 */
import { DETAIL_MAX_CHARS, MESSAGE_MAX_CHARS, type CurvatureInfo, type GradientInfo, type InspectResult, type LossError, type SessionInfo, type SessionNotice } from './types';
import { cut, lossError, oneLine } from './format';
import type { ConfigurationScore } from '../engine/score';
import type { ConvergenceRates, QuadraticFacts } from '../engine/curvature/convergence';
import type { Crossing } from '../engine/curvature/crossing';
import type { RunSummaryEntry } from '../engine/runSummary';

const KINDS: ReadonlySet<string> = new Set(['compile', 'exports', 'runtime', 'timeout', 'memory', 'trust', 'io']);
const GRADIENT_MODES: ReadonlySet<string> = new Set(['analytic', 'autodiff', 'user', 'finite-differences']);
const CURVATURE_MODES: ReadonlySet<string> = new Set(['analytic', 'autodiff', 'finite-differences']);
const PATHS: ReadonlySet<string> = new Set(['straight-line', 'forward', 'reverse']);
const MAX_PARAMS = 1024;

const isNumber = (x: unknown): x is number => typeof x === 'number';
const isNumbers = (x: unknown, length?: number): x is number[] =>
  Array.isArray(x) && (length === undefined || x.length === length) && x.every(isNumber);

const EVIDENCE: ReadonlySet<string> = new Set(['preset', 'polynomial']);

/** A quadratic's facts as loadLoss.ts sends them: `dim` eigenvalues ascending, L* or null, the reason its rates do not apply. */
function isQuadraticFacts(raw: unknown, dim: number): boolean {
  const q = raw as Partial<QuadraticFacts> | null;
  return typeof q === 'object' && q !== null && typeof q.evidence === 'string' && EVIDENCE.has(q.evidence)
    && isNumbers(q.eigenvalues, dim) && q.eigenvalues.every((v, k) => Number.isFinite(v) && (k === 0 || v >= (q.eigenvalues as number[])[k - 1]))
    && (q.minimum === null || (isNumber(q.minimum) && Number.isFinite(q.minimum)))
    && (q.stochastic === undefined || (typeof q.stochastic === 'string' && q.stochastic.length <= MESSAGE_MAX_CHARS));
}

/** The loss's info, or undefined when it is malformed. */
export function checkInfo(raw: unknown): SessionInfo | undefined {
  const i = raw as Partial<SessionInfo> | null;
  if (typeof i !== 'object' || i === null) return undefined;
  if (!Number.isInteger(i.dim) || (i.dim as number) < 1 || (i.dim as number) > MAX_PARAMS) return undefined;
  if (!isNumbers(i.init, i.dim) || !isNumber(i.dataSize)) return undefined;
  const g = i.gradient as Partial<GradientInfo> | undefined;
  if (!g || typeof g.mode !== 'string' || !GRADIENT_MODES.has(g.mode) || (g.reason !== undefined && typeof g.reason !== 'string')) return undefined;
  if (g.path !== undefined && !PATHS.has(g.path)) return undefined;
  if ((g.line !== undefined && !Number.isInteger(g.line)) || (g.column !== undefined && !Number.isInteger(g.column))) return undefined;
  const d = i.domain as { x?: unknown; y?: unknown } | undefined;
  if (d !== undefined && !(isNumbers(d.x, 2) && isNumbers(d.y, 2))) return undefined;
  const minima = i.minima as unknown;
  if (minima !== undefined && !(Array.isArray(minima) && minima.every((m: { params?: unknown; loss?: unknown }) => isNumbers(m?.params) && isNumber(m?.loss)))) return undefined;
  const gradient: GradientInfo = g.reason === undefined ? g as GradientInfo : { ...g as GradientInfo, reason: cut(oneLine(g.reason), MESSAGE_MAX_CHARS) };
  const c = i.curvature as { mode?: unknown; reason?: unknown; quadratic?: unknown } | undefined;
  if (c !== undefined && (typeof c.mode !== 'string' || !CURVATURE_MODES.has(c.mode) || (c.reason !== undefined && typeof c.reason !== 'string'))) return undefined;
  if (c?.quadratic !== undefined && !isQuadraticFacts(c.quadratic, i.dim as number)) return undefined;
  const curvature = c?.reason === undefined ? {} : { curvature: { ...(c as CurvatureInfo), reason: cut(oneLine(c.reason as string), MESSAGE_MAX_CHARS) } };
  return { ...(i as SessionInfo), gradient, ...curvature };
}

/** The process's fatal error, with its text cut to the limits (a LossError of kind 'runtime' when malformed). */
export function checkLossError(raw: unknown): LossError {
  const e = raw as Partial<LossError> | null;
  if (typeof e !== 'object' || e === null || typeof e.kind !== 'string' || !KINDS.has(e.kind) || typeof e.message !== 'string') {
    return { kind: 'runtime', message: 'the sandbox process failed without saying why' };
  }
  const error = lossError(e.kind, e.message);
  if (typeof e.detail !== 'string') return error;
  return { ...error, detail: cut(e.detail, DETAIL_MAX_CHARS) };
}

export function checkNotice(raw: unknown): SessionNotice | undefined {
  const n = raw as Partial<SessionNotice> | null;
  if (typeof n !== 'object' || n === null || n.kind !== 'nondeterministic' || typeof n.message !== 'string') return undefined;
  return { kind: 'nondeterministic', message: cut(oneLine(n.message), MESSAGE_MAX_CHARS) };
}

/** A surface reply of `length` values, or undefined. */
export function checkSurface(raw: unknown, length: number): Float64Array | undefined {
  return raw instanceof Float64Array && raw.length === length ? raw : undefined;
}

/** An inspect reply, or undefined. */
export function checkInspect(raw: unknown, dim: number): InspectResult | undefined {
  const r = raw as Partial<InspectResult> | null;
  if (typeof r !== 'object' || r === null) return undefined;
  if (!Number.isInteger(r.step) || !isNumbers(r.params, dim) || !isNumbers(r.grad, dim) || !isNumber(r.lr)) return undefined;
  for (const key of ['gradUsed', 'gradAtPrev', 'prevParams'] as const) if (r[key] !== undefined && !isNumbers(r[key], dim)) return undefined;
  if (typeof r.state !== 'object' || r.state === null) return undefined;
  for (const fields of Object.values(r.state)) {
    if (typeof fields !== 'object' || fields === null) return undefined;
    for (const v of Object.values(fields)) if (!(isNumber(v) || typeof v === 'boolean' || isNumbers(v))) return undefined;
  }
  return r as InspectResult;
}

const END_STATUSES: ReadonlySet<string> = new Set(['completed', 'converged', 'diverged', 'error', 'cancelled']);

/** A score reply for `count` configurations, or undefined. */
export function checkScores(raw: unknown, count: number): ConfigurationScore[] | undefined {
  if (!Array.isArray(raw) || raw.length !== count) return undefined;
  for (const s of raw as Partial<ConfigurationScore>[]) {
    if (typeof s !== 'object' || s === null || !isNumber(s.score) || !Number.isInteger(s.steps) || typeof s.status !== 'string' || !END_STATUSES.has(s.status)) return undefined;
  }
  return raw as ConfigurationScore[];
}

/** A request's error text from the process, cut to one line. */
export function checkReplyError(raw: unknown): string {
  return typeof raw === 'string' ? cut(oneLine(raw), MESSAGE_MAX_CHARS) : 'the request failed';
}

const MEASURES: ReadonlySet<string> = new Set(['sharpness', 'preconditionedSharpness']);
const isNumberOrNull = (x: unknown): x is number | null => x === null || isNumber(x);
const shortText = (x: unknown): string | undefined => (typeof x === 'string' ? cut(oneLine(x), MESSAGE_MAX_CHARS) : undefined);

function checkCrossing(raw: unknown): Crossing | undefined {
  const c = raw as Partial<Crossing> | null;
  if (typeof c !== 'object' || c === null || !Number.isInteger(c.step) || typeof c.measure !== 'string' || !MEASURES.has(c.measure)) return undefined;
  const message = shortText(c.message);
  if (!isNumber(c.value) || !isNumber(c.threshold) || message === undefined) return undefined;
  return { step: c.step as number, measure: c.measure, value: c.value, threshold: c.threshold, message };
}

function checkRates(raw: unknown): ConvergenceRates | undefined {
  const r = raw as Partial<ConvergenceRates> | null;
  if (typeof r !== 'object' || r === null || !isNumberOrNull(r.analytic) || !isNumberOrNull(r.measured)) return undefined;
  const note = shortText(r.note);
  if (r.note !== undefined && note === undefined) return undefined;
  return { analytic: r.analytic, measured: r.measured, ...(note !== undefined ? { note } : {}) };
}

/** A run's summary (StartOptions.summaryOnly) of `dim` parameters, copied field by field, or undefined when it is malformed. */
export function checkSummary(raw: unknown, dim: number): RunSummaryEntry | undefined {
  const s = raw as Partial<RunSummaryEntry> | null;
  if (typeof s !== 'object' || s === null || !Number.isInteger(s.run) || !Number.isInteger(s.count)) return undefined;
  if (!(s.finalParams instanceof Float64Array) || s.finalParams.length !== dim) return undefined;
  if (![s.finalLoss, s.minLoss, s.maxFiniteLoss, s.lastCurvature].every(isNumber) || !isNumberOrNull(s.lastFiniteLoss)) return undefined;
  const firstCrossing = s.firstCrossing === undefined ? undefined : checkCrossing(s.firstCrossing);
  const convergenceRate = s.convergenceRate === undefined ? undefined : checkRates(s.convergenceRate);
  if ((s.firstCrossing !== undefined && !firstCrossing) || (s.convergenceRate !== undefined && !convergenceRate)) return undefined;
  return {
    run: s.run as number, count: s.count as number, finalLoss: s.finalLoss as number, finalParams: s.finalParams,
    minLoss: s.minLoss as number, maxFiniteLoss: s.maxFiniteLoss as number, lastFiniteLoss: s.lastFiniteLoss as number | null,
    lastCurvature: s.lastCurvature as number, ...(firstCrossing ? { firstCrossing } : {}), ...(convergenceRate ? { convergenceRate } : {}),
  };
}
