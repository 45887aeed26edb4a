/**
 * What panels keep between sessions: each panel's latest experiment (in the workspace state and
 * on disk, with where its code came from), the compiled Vega specs of the charts, the person's
 * preferences, and the folder long runs' points spill to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v from 'valibot';
import type * as vscode from 'vscode';
import { PreferencesSchema, type FromWebviewOf, type PanelExperiment, type Preferences } from '../protocol';
import { originOfUnknown, parseOrigin, type LossOrigin } from './trust';

export const STATE_KEY = 'optimizerPlayground.lastExperiment';
/** Where the last experiment's loss code came from (trust.ts), saved beside it. */
export const ORIGIN_KEY = 'optimizerPlayground.lastExperimentOrigin';

/** The latest experiment of any panel, with when it was saved (newest wins on revival) and where its code came from. */
export interface SavedExperiment { readonly experiment: unknown; readonly savedAt: number; readonly origin?: LossOrigin }

/**
 * The latest compiled Vega spec of each chart (`compiledChart` messages), kept across panels and
 * windows in the extension's global state and written into each new panel's page: a chart whose
 * Vega-Lite spec is the same again is embedded without Vega-Lite's compile (100–130 ms of a new
 * panel's start). The key is Vega-Lite's version and the spec, so a changed spec or an updated
 * Vega-Lite simply misses.
 */
const COMPILED_CHARTS_KEY = 'optimizerPlayground.compiledCharts';
type CompiledCharts = Record<string, { readonly key: string; readonly spec: Readonly<Record<string, unknown>> }>;

export function compiledCharts(context: vscode.ExtensionContext): CompiledCharts {
  const kept = context.globalState.get<unknown>(COMPILED_CHARTS_KEY);
  return kept && typeof kept === 'object' && !Array.isArray(kept) ? kept as CompiledCharts : {};
}

export function rememberCompiledChart(context: vscode.ExtensionContext, m: FromWebviewOf<'compiledChart'>): void {
  if (compiledCharts(context)[m.chart]?.key === m.key) return;
  void context.globalState.update(COMPILED_CHARTS_KEY, { ...compiledCharts(context), [m.chart]: { key: m.key, spec: m.spec } });
}

/** Where long runs' exact points spill to files (src/points), in the extension's own storage. */
export function pointStorage(context: vscode.ExtensionContext): string {
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'points');
}

/**
 * Where a panel's latest experiment is kept on disk: one file per panel (its id travels in the
 * webview's state), so that two panels revive as two different experiments. Ids are generated
 * by the panel (UUIDs), but a revived state could carry anything: only `[A-Za-z0-9-]` reaches a path.
 */
function savedExperimentFile(context: vscode.ExtensionContext, panelId: string): string {
  const safe = panelId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'panel';
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'panels', `${safe}.json`);
}

function writeSavedExperiment(context: vscode.ExtensionContext, panelId: string, experiment: unknown, origin: LossOrigin): void {
  const file = savedExperimentFile(context, panelId);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ experiment, savedAt: Date.now(), origin } satisfies SavedExperiment));
  } catch { /* the workspace state still has it */ }
}

/**
 * Keeps a panel's experiment and its code's origin in the workspace state and, at once, on disk:
 * VS Code flushes webview state and workspace state to storage later, so a reload right after an
 * edit could revive an older experiment (seen in code-server).
 */
export function saveExperiment(context: vscode.ExtensionContext, panelId: string, experiment: PanelExperiment, origin: LossOrigin): void {
  void context.workspaceState.update(STATE_KEY, experiment);
  void context.workspaceState.update(ORIGIN_KEY, origin);
  writeSavedExperiment(context, panelId, experiment, origin);
}

/** The experiment a panel last saved on disk, or undefined. */
export function readSavedExperiment(context: vscode.ExtensionContext, panelId: string): SavedExperiment | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(savedExperimentFile(context, panelId), 'utf8')) as Partial<SavedExperiment>;
    const origin = parseOrigin(saved.origin);
    return typeof saved.savedAt === 'number' ? { experiment: saved.experiment, savedAt: saved.savedAt, ...(origin ? { origin } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

/** Where the last saved experiment's code came from (an experiment saved without it: see originOfUnknown). */
export function lastOrigin(context: vscode.ExtensionContext): LossOrigin {
  return parseOrigin(context.workspaceState.get(ORIGIN_KEY)) ?? originOfUnknown(context.workspaceState.get<PanelExperiment>(STATE_KEY)?.loss);
}

/**
 * Forgets copies not written for 30 days. Not on dispose: VS Code may dispose panels while the
 * window reloads, exactly when the copy is needed.
 */
export function pruneSavedExperiments(context: vscode.ExtensionContext): void {
  const dir = path.dirname(savedExperimentFile(context, 'x'));
  try {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (Date.now() - fs.statSync(file).mtimeMs > 30 * 24 * 3600_000) fs.rmSync(file, { force: true });
    }
  } catch { /* no copies yet */ }
}

/** The person's choices for every panel (the playback speed), kept per user. */
const PREFERENCES_KEY = 'optimizerPlayground.preferences';

export function preferences(context: vscode.ExtensionContext): Preferences {
  const r = v.safeParse(PreferencesSchema, context.globalState.get(PREFERENCES_KEY));
  return r.success ? r.output : {};
}

export async function updatePreferences(context: vscode.ExtensionContext, changed: Preferences): Promise<void> {
  await context.globalState.update(PREFERENCES_KEY, { ...preferences(context), ...changed });
}
