/**
 * The messages between the extension host (the panel) and the playground webview, each declared
 * once below: its name, its fields' schemas and a line on what it means. The TypeScript unions
 * `ToWebview` and `FromWebview` are derived from these declarations, and `parseToWebview` /
 * `parseFromWebview` validate with them; anything else is refused with the field's path and the
 * reason (host: logged to the "Optimizer Playground" output; webview: posted back as a `log`).
 *
 * Conventions (VS Code's Markdown preview, vscode-hexeditor): the webview posts `ready` once its
 * listeners are attached; only then does the host post, starting with a full `init` snapshot, then
 * deltas. The host owns run state; the webview owns view state. Requests that expect a reply go
 * through requests.ts.
 */
import * as v from 'valibot';
import { RUN_STATUSES } from '../engine/types';
import { describeValue, isRecord } from '../engine/values';
import { HOST_METHODS, replySchema, requestSchema, WEBVIEW_METHODS } from './requests';
import {
  CHART_NAMES, count, finite, FollowedFileSchema, HOST_STATES, list, LossInfoSchema, PanelErrorSchema, PanelExperimentSchema,
  PointSeriesSchema, PreferencesSchema, RunResultSchema, SurfaceDataSchema, text, TunedRunSchema, TUNING_STATES,
} from './shapes';

/** Longest `compiledChart` spec the host keeps (JSON characters); the panel's are 10–20 thousand. */
export const MAX_COMPILED_CHART_CHARS = 1_000_000;

/** Declares messages by name: each becomes an object schema whose `type` is its name. */
function messages<const E extends Record<string, v.ObjectEntries>>(entries: E): { [K in keyof E]: v.ObjectSchema<{ type: v.LiteralSchema<K & string, undefined> } & E[K], undefined> } {
  return Object.fromEntries(Object.entries(entries).map(([type, fields]) => [type, v.object({ type: v.literal(type), ...fields })])) as never;
}

const TO_WEBVIEW = {
  ...messages({
    /** Full snapshot, answering `ready` (sent again whenever the panel's page is new). */
    init: {
      experiment: PanelExperimentSchema,
      state: v.picklist(HOST_STATES),
      /** Results so far, one per run of the experiment running. */
      results: list(RunResultSchema),
      /** Points so far (thinned for display), one series per run, `replace: true`. */
      points: list(PointSeriesSchema),
      info: v.optional(LossInfoSchema),
      surface: v.optional(SurfaceDataSchema),
      errors: list(PanelErrorSchema),
      /** The editor document the panel follows (Run Loss in Active Editor). */
      following: v.optional(FollowedFileSchema),
      /** Whether the workspace is trusted (untrusted: loss files from the workspace do not run). */
      trusted: v.boolean(),
      preferences: PreferencesSchema,
    },
    /** The host replaced the experiment (a followed file edited, a command, a file opened): show this one. */
    experiment: { experiment: PanelExperimentSchema, following: v.optional(FollowedFileSchema) },
    /** A new run of the experiment began: forget all results and points; these runs start now. */
    runStart: { results: list(RunResultSchema), info: LossInfoSchema },
    /** A batch of computed points, one series per run that advanced. */
    points: { series: list(PointSeriesSchema) },
    /** A run ended. */
    runEnd: { run: count(0), status: v.picklist(RUN_STATUSES.filter((s) => s !== 'running')), steps: count(0), message: v.optional(text) },
    /** What the host is doing, and its speed (total steps per second over all runs, 0 when idle). */
    status: { state: v.picklist(HOST_STATES), stepsPerSecond: v.pipe(finite, v.minValue(0, 'expected ≥ 0')) },
    /** The current problems, replacing earlier ones; empty when the last edit was good. */
    error: { errors: list(PanelErrorSchema) },
    /** A (new) loss surface for the paths chart. */
    surface: { surface: SurfaceDataSchema },
    /** A tuning's scores so far (sent as grid points finish), and how it stands; `objective` in words for the score axis. */
    tuning: {
      state: v.picklist(TUNING_STATES), done: count(0), total: count(0),
      scoreTitle: text, logScore: v.boolean(), runs: list(TunedRunSchema),
    },
  }),
  request: requestSchema(WEBVIEW_METHODS),
  reply: replySchema(HOST_METHODS),
};

const FROM_WEBVIEW = {
  ...messages({
    /** The webview's listeners are attached: send `init`. */
    ready: {},
    /** The person edited the experiment (the whole edited experiment); the host re-runs after ~300 ms. */
    editExperiment: { experiment: PanelExperimentSchema },
    /** Run the experiment again from the start. */
    run: {},
    /** Stop computing, keeping the results so far. */
    stop: {},
    /** Stop and forget the results. */
    reset: {},
    /** Tune run `run`'s learning rate on the loss (its tune, else η over its optimizer's grid), then show it at its best beside its run as written. */
    tuneRun: { run: count(0) },
    /** The step shown moved (for more than two parameters the surface is the slice through that step's point). */
    scrub: { step: count(0), run: v.optional(count(0)) },
    /** For more than two parameters: which two are on the paths chart's axes. */
    pickDims: { dims: v.pipe(v.tuple([count(0), count(0)]), v.readonly(), v.check(([a, b]) => a !== b, 'expected two different parameters')) },
    /** Open the panel's loss as a TypeScript document. */
    openInEditor: {},
    /** Export Results… */
    export: {},
    /** Copy an equivalent torch.optim script to the clipboard. */
    copyAsPyTorch: {},
    /** Stop following the editor document: the panel keeps its loss as its own snippet. */
    stopFollowing: {},
    /** Remember these choices for every panel of this user. */
    setPreferences: { preferences: PreferencesSchema },
    /** Something happened in the webview worth the host's output channel. */
    log: { level: v.picklist(['error', 'warn', 'info']), message: text },
    /**
     * A chart's Vega-Lite spec as the webview compiled it to Vega. The host keeps the latest of each
     * chart and writes them into the next panel's page, so a chart whose structure is the same again
     * is embedded without a compile.
     */
    compiledChart: {
      chart: v.picklist(CHART_NAMES),
      /** What it was compiled from: Vega-Lite's version and the spec's structure (the cache key). */
      key: text,
      spec: v.pipe(v.custom<Readonly<Record<string, unknown>>>(isRecord, 'expected a Vega spec (an object)'),
        v.check((s) => JSON.stringify(s).length <= MAX_COMPILED_CHART_CHARS, `expected at most ${MAX_COMPILED_CHART_CHARS} characters`)),
    },
  }),
  request: requestSchema(HOST_METHODS),
  reply: replySchema(WEBVIEW_METHODS),
};

type Union<T extends Record<string, v.GenericSchema>> = { [K in keyof T]: v.InferOutput<T[K]> }[keyof T];
export type ToWebview = Union<typeof TO_WEBVIEW>;
export type FromWebview = Union<typeof FROM_WEBVIEW>;
export type ToWebviewOf<K extends ToWebview['type']> = Extract<ToWebview, { type: K }>;
export type FromWebviewOf<K extends FromWebview['type']> = Extract<FromWebview, { type: K }>;

/** What the webview keeps with `setState` (and the serializer revives the panel from). */
export const PanelStateSchema = v.looseObject({
  experiment: PanelExperimentSchema,
  /** The webview's own view state; opaque to the host. */
  view: v.optional(v.unknown()),
  savedAt: v.optional(v.number()),
  panelId: v.optional(v.pipe(text, v.regex(/^[A-Za-z0-9-]{1,64}$/))),
});
export type PanelState = v.InferOutput<typeof PanelStateSchema>;

/** What the host writes into the panel's page (`<script type="application/json" id="op-initial">`). */
export const PageDataSchema = v.object({
  experiment: v.optional(v.unknown()),
  panelId: v.optional(text),
  /** Compiled Vega specs of earlier panels, by chart: `{ key, spec }`. */
  compiledCharts: v.optional(v.record(v.string(), v.object({ key: text, spec: v.record(v.string(), v.unknown()) }))),
  preferences: v.optional(PreferencesSchema),
  /** Expose the panel's state to tests (`window.__optimizerPlayground`); never in a user's panel. */
  testHooks: v.optional(v.boolean()),
});
export type PageData = v.InferOutput<typeof PageDataSchema>;

// ───────────────────────────── parsing ─────────────────────────────

/** Result of checking a received message: the message, or the reason (with the field path) it was refused. */
export type Parsed<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

/** An issue as one line, its path under `root`: `experiment.runs[0].lr: expected a finite number, got "fast"`. */
export function describeIssue(issue: v.BaseIssue<unknown>, root = ''): string {
  // A union's own issue says little; its closest option's says what is wrong.
  const deepest = issue.issues?.find((i) => i.path !== undefined) ?? issue;
  const path = (root + (deepest.path ?? issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('')).replace(/^\./, '');
  let what = deepest.message;
  if (deepest.kind === 'schema' && !/^(expected|\[)/.test(what)) what = `expected ${deepest.expected ?? 'something else'}`;
  const got = /^\[\d+\]/.test(what) || what.includes(', got ') ? '' : `, got ${describeValue(deepest.input)}`;
  return `${path}${path && !what.startsWith('[') ? ': ' : ''}${what}${got}`;
}

function parseWith<T>(raw: unknown, schemas: Readonly<Record<string, v.GenericSchema>>): Parsed<T> {
  if (!isRecord(raw)) return { ok: false, error: `message: expected an object, got ${describeValue(raw)}` };
  const type = raw.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, type)) {
    return { ok: false, error: `type: unknown message type ${describeValue(type)}` };
  }
  const r = v.safeParse(schemas[type]!, raw);
  return r.success ? { ok: true, message: r.output as T } : { ok: false, error: `${type} message: ${describeIssue(r.issues[0])}` };
}

/** Checks a message received by the host from the webview. */
export function parseFromWebview(raw: unknown): Parsed<FromWebview> {
  return parseWith<FromWebview>(raw, FROM_WEBVIEW);
}

/** Checks a message received by the webview from the host. */
export function parseToWebview(raw: unknown): Parsed<ToWebview> {
  return parseWith<ToWebview>(raw, TO_WEBVIEW);
}

/** Checks a value against one of the protocol's schemas; the reason names the field. */
export function check<S extends v.GenericSchema>(schema: S, raw: unknown, what: string): Parsed<v.InferOutput<S>> {
  const r = v.safeParse(schema, raw);
  return r.success ? { ok: true, message: r.output } : { ok: false, error: describeIssue(r.issues[0], what) };
}

/** Checks a `PanelExperiment`'s structure (e.g. one revived from saved state); the reason names the field. */
export function checkPanelExperiment(raw: unknown): Parsed<v.InferOutput<typeof PanelExperimentSchema>> {
  return check(PanelExperimentSchema, raw, 'experiment');
}
