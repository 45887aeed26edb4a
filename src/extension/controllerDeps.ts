/**
 * What the panel controller needs from around it (injected, so that tests drive it without VS Code)
 * and what it reports back to the panel.
 */
import type { Experiment } from '../engine/types';
import type { HostState, PanelError, ToWebview } from '../protocol';
import type { ExperimentSession, StartOptions } from '../snippet/types';
import type { Validator } from './convert';
import type { LossOrigin } from './trust';

export interface ControllerDeps {
  /** `startExperiment` from src/snippet/session.ts. */
  readonly start: (experiment: Experiment, options?: StartOptions) => ExperimentSession;
  /** `validateExperiment` from src/engine/experiment.ts. */
  readonly validate: Validator;
  /** Sends a message to the webview (dropped when there is none). */
  readonly post: (message: ToWebview) => void;
  /** Writes a line to the output channel. */
  readonly log: (line: string) => void;
  /** Options for each session (baseDir of loss files, Workspace Trust). */
  readonly startOptions?: () => StartOptions;
  /** Where the loss's code comes from and whether the workspace is trusted. */
  readonly trust?: () => { readonly origin: LossOrigin; readonly trusted: boolean };
  readonly debounceMs?: number;
  readonly flushMs?: number;
  /** Grid size of the loss surface per axis. */
  readonly surfaceSize?: number;
  /** Folder where long runs' exact points spill to files (the extension's storage; default: the OS's temporary folder). */
  readonly pointStorage?: string;
}

/** What the controller reports to the panel (status bar, editor diagnostics, progress). */
export interface ControllerEvents {
  status?(state: HostState, stepsPerSecond: number): void;
  errors?(errors: readonly PanelError[]): void;
  runEnded?(ended: number, total: number): void;
  /** A session ran to its end (or was cancelled) and everything was shown. */
  idle?(): void;
}

