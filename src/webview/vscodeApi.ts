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

let api: VsCodeApi | undefined;

export function vscodeApi(): VsCodeApi {
  if (!api) {
    api = typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : { postMessage: (m) => console.log('[webview → host]', m), getState: () => undefined, setState: () => undefined };
  }
  return api;
}
