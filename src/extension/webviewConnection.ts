/**
 * A panel's webview as the host talks to it. Messages are posted only once the page said `ready`
 * (earlier ones are superseded by the `init` snapshot it gets first); a page hidden is gone and says
 * `ready` again when shown. Requests that expect a reply (renderCharts) go through `requests`.
 */
import * as vscode from 'vscode';
import { Requests, WEBVIEW_METHODS, type ToWebview, type ToWebviewOf } from '../protocol';

export class WebviewConnection {
  /** The host's requests to the webview. (Rendering every chart of a panel still starting takes a few seconds on a busy machine.) */
  readonly requests = new Requests<typeof WEBVIEW_METHODS>((m) => this.post(m), 30_000);
  private readonly listeners = new Set<(m: ToWebview) => void>();
  private ready = false;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly webview: vscode.Webview) {}

  get isReady(): boolean { return this.ready; }

  post(message: ToWebview): void {
    for (const l of this.listeners) l(message);
    if (this.ready) void this.webview.postMessage(message);
  }

  /** The page said `ready`: it gets `snapshot`, then everything posted. */
  opened(snapshot: ToWebviewOf<'init'>): void {
    this.ready = true;
    void this.webview.postMessage(snapshot);
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /** The page is gone (hidden); it says `ready` again when shown. */
  closed(): void { this.ready = false; }

  /** Listens to every message the host posts (tests and the benchmark). */
  onDidPost(listener: (m: ToWebview) => void): vscode.Disposable {
    this.listeners.add(listener);
    return new vscode.Disposable(() => this.listeners.delete(listener));
  }

  /** Resolves once the webview said `ready`. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  dispose(): void {
    this.requests.dispose();
  }
}
