/**
 * The webview side of the VS Code API: posting messages and keeping view state.
 * `acquireVsCodeApi` may be called once per page, so it is wrapped here once.
 */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the page's boot script (src/extension/html.ts `BOOT_SCRIPT`) leaves: the API, and the messages it kept. */
export interface Boot {
  readonly api: VsCodeApi;
  readonly early: unknown[];
  stop(): void;
}

export function boot(): Boot | undefined {
  return (window as unknown as { __opBoot?: Boot }).__opBoot;
}

let api: VsCodeApi | undefined;

export function vscodeApi(): VsCodeApi {
  if (!api) {
    api = boot()?.api ?? (typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : { postMessage: (m) => console.log('[webview → host]', m), getState: () => undefined, setState: () => undefined });
  }
  return api;
}
