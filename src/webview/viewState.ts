/**
 * The webview's own view state, kept with `setState` beside the experiment (protocol
 * `PanelState.view`, opaque to the host): what the person was looking at, restored when the
 * panel is revived (not the scrubbed step: a revived panel shows the latest step). Parsed defensively: saved state may come from an older version.
 */
/** What the webview keeps across reloads besides the experiment (opaque to the host). */
export interface ViewState {
  /** The two coordinates on the surface chart's axes. */
  readonly dims: readonly [number, number];
  /** Selected run (the formula view follows it). */
  readonly selectedRun: number;
  /** Sections by id → collapsed. */
  readonly collapsed: Readonly<Record<string, boolean>>;
}

const DEFAULT_VIEW: ViewState = { dims: [0, 1], selectedRun: 0, collapsed: {} };

/** Parses the view part of saved state, falling back to defaults field by field. */
export function parseViewState(raw: unknown): ViewState {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_VIEW;
  const o = raw as Record<string, unknown>;
  const int = (v: unknown, d: number, min: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : d);
  const dims = Array.isArray(o.dims) && o.dims.length === 2 && o.dims.every((d) => Number.isInteger(d) && d >= 0) && o.dims[0] !== o.dims[1]
    ? [o.dims[0] as number, o.dims[1] as number] as const : DEFAULT_VIEW.dims;
  const collapsed: Record<string, boolean> = {};
  if (typeof o.collapsed === 'object' && o.collapsed !== null) {
    for (const [k, v] of Object.entries(o.collapsed)) if (typeof v === 'boolean') collapsed[k] = v;
  }
  // The scrubbed step is not kept: a revived panel shows the latest step until the person scrubs.
  return { dims, selectedRun: int(o.selectedRun, 0, 0), collapsed };
}
