/**
 * The webview's side of the protocol: every host message is validated (src/protocol) and handed
 * to the handlers registered for its type — each component registers for the messages it needs
 * (`on('points', …)`, as vscode-hexeditor's `registerHandler`); requests to the host and the
 * host's requests to the webview go through the protocol's one request/reply helper.
 */
import {
  answer, HOST_METHODS, parseToWebview, Requests, WEBVIEW_METHODS, type FromWebview, type Handlers, type Params, type Result,
  type ToWebview, type ToWebviewOf,
} from '../protocol';

type Handler<K extends ToWebview['type']> = (message: ToWebviewOf<K>) => void;

export class HostChannel {
  private readonly handlers = new Map<string, Array<(m: ToWebview) => void>>();
  private readonly requests: Requests<typeof HOST_METHODS>;
  private answerRequest: ((m: ToWebviewOf<'request'>) => Promise<void>) | undefined;
  /** Messages refused, newest last (the test hooks read them). */
  readonly refused: string[] = [];

  constructor(private readonly postMessage: (m: FromWebview) => void) {
    this.requests = new Requests<typeof HOST_METHODS>((m) => postMessage(m));
  }

  /** Calls `handler` with every valid message of `type`, after the handlers registered before it. */
  on<K extends ToWebview['type']>(type: K, handler: Handler<K>): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as (m: ToWebview) => void);
    this.handlers.set(type, list);
    return () => list.splice(list.indexOf(handler as (m: ToWebview) => void) >>> 0, 1);
  }

  post(message: FromWebview): void {
    this.postMessage(message);
  }

  log(level: 'error' | 'warn' | 'info', message: string): void {
    this.postMessage({ type: 'log', level, message });
  }

  /** Asks the host; resolves with its reply's result. */
  request<K extends keyof typeof HOST_METHODS & string>(method: K, params: Params<typeof HOST_METHODS, K>): Promise<Result<typeof HOST_METHODS, K>> {
    return this.requests.request(method, params);
  }

  /** How this webview answers the host's requests. */
  answer(handlers: Handlers<typeof WEBVIEW_METHODS>): void {
    this.answerRequest = answer(handlers, (m) => this.postMessage(m));
  }

  /** Applies one message from the host (anything that does not follow the protocol is refused and logged). */
  receive(raw: unknown): void {
    const parsed = parseToWebview(raw);
    if (!parsed.ok) {
      this.refused.push(parsed.error);
      this.log('warn', `refused a message from the host: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'reply') this.requests.settle(m);
    else if (m.type === 'request') void this.answerRequest?.(m);
    for (const h of this.handlers.get(m.type) ?? []) {
      try {
        h(m);
      } catch (e) {
        this.log('error', `applying a ${m.type} message failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }
  }
}
