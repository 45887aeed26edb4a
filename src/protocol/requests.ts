/**
 * Requests that expect a reply, in both directions, and the one helper both ends use for them
 * (after vscode-hexeditor's `MessageHandler`): `Requests.request(method, params)` posts
 * `{ type: 'request', requestId, method, params }` and resolves with the matching `reply`'s
 * result; `answer(handlers)` turns an incoming request into a reply. Each method is declared once
 * below, with the schemas of its parameters and its result.
 */
import * as v from 'valibot';
import { count, InspectResultSchema, list, RenderedChartSchema } from './shapes';

interface Method { readonly params: v.GenericSchema; readonly result: v.GenericSchema }
type Methods = Readonly<Record<string, Method>>;

/** What the webview asks the host. */
export const HOST_METHODS = {
  /** Run `run`'s optimizer state at `step`, for the formula view. */
  inspect: { params: v.object({ run: count(0), step: count(0) }), result: InspectResultSchema },
} as const satisfies Methods;

/** What the host asks the webview. */
export const WEBVIEW_METHODS = {
  /** Every chart as SVG and PNG, for Export Results. */
  renderCharts: { params: v.object({}), result: v.object({ charts: list(RenderedChartSchema) }) },
} as const satisfies Methods;

export type Params<M extends Methods, K extends keyof M> = v.InferOutput<M[K]['params']>;
export type Result<M extends Methods, K extends keyof M> = v.InferOutput<M[K]['result']>;

export type RequestMessage<M extends Methods> = { [K in keyof M & string]: { type: 'request'; requestId: number; method: K; params: Params<M, K> } }[keyof M & string];
export type ReplyMessage<M extends Methods> = { [K in keyof M & string]: { type: 'reply'; requestId: number; method: K; result?: Result<M, K>; error?: string } }[keyof M & string];

/** The schema of a request for any method of `methods` (parameters checked by method). */
export function requestSchema<M extends Methods>(methods: M): v.GenericSchema<unknown, RequestMessage<M>> {
  return v.variant('method', Object.entries(methods).map(([method, m]) =>
    v.object({ type: v.literal('request'), requestId: count(0), method: v.literal(method), params: m.params }))) as unknown as v.GenericSchema<unknown, RequestMessage<M>>;
}

/** The schema of a reply to a method of `methods`: its result, or why there is none. */
export function replySchema<M extends Methods>(methods: M): v.GenericSchema<unknown, ReplyMessage<M>> {
  return v.variant('method', Object.entries(methods).map(([method, m]) =>
    v.pipe(v.object({ type: v.literal('reply'), requestId: count(0), method: v.literal(method), result: v.optional(m.result), error: v.optional(v.string()) }),
      v.check((r) => r.result !== undefined || r.error !== undefined, 'expected a result or an error')))) as unknown as v.GenericSchema<unknown, ReplyMessage<M>>;
}

/** Sends requests of `M` and settles them with their replies. */
export class Requests<M extends Methods> {
  private nextId = 1;
  private readonly waiting = new Map<number, { method: string; resolve(r: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly post: (m: RequestMessage<M>) => void, private readonly timeoutMs = 10_000) {}

  /** Posts a request; resolves with the reply's result, rejects with its error or after the timeout. */
  request<K extends keyof M & string>(method: K, params: Params<M, K>): Promise<Result<M, K>> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new Error(`${method}: no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(requestId, { method, resolve: resolve as (r: unknown) => void, reject, timer });
      this.post({ type: 'request', requestId, method, params } as RequestMessage<M>);
    });
  }

  /** Settles the request a reply answers (a reply to nothing pending is ignored). */
  settle(reply: ReplyMessage<M>): void {
    const w = this.waiting.get(reply.requestId);
    if (!w || w.method !== reply.method) return;
    this.waiting.delete(reply.requestId);
    clearTimeout(w.timer);
    if (reply.result !== undefined) w.resolve(reply.result);
    else w.reject(new Error(reply.error ?? `${reply.method}: no result`));
  }

  /** Rejects every request still waiting (the other end went away). */
  dispose(): void {
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(`${w.method}: cancelled`));
    }
    this.waiting.clear();
  }
}

export type Handlers<M extends Methods> = { readonly [K in keyof M & string]: (params: Params<M, K>) => Promise<Result<M, K>> | Result<M, K> };

/** Answers each request of `M` with its handler's result (or the error it threw) as a reply. */
export function answer<M extends Methods>(handlers: Handlers<M>, post: (m: ReplyMessage<M>) => void): (request: RequestMessage<M>) => Promise<void> {
  return async (request) => {
    const handler = handlers[request.method] as (p: unknown) => Promise<unknown> | unknown;
    const base = { type: 'reply' as const, requestId: request.requestId, method: request.method };
    try {
      post({ ...base, result: await handler(request.params) } as ReplyMessage<M>);
    } catch (e) {
      post({ ...base, error: e instanceof Error ? e.message : String(e) } as ReplyMessage<M>);
    }
  };
}
