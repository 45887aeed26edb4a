/**
 * Workspace Trust: the extension declares limited support. Code typed in the panel is the user's
 * own; code that arrived in a file — a `loss.file`, an experiment file's inline `loss.source`, an
 * editor document bound with "Run Loss in Active Editor" or the CodeLens — runs only in a trusted
 * workspace. In an untrusted one it is shown, not run, with one action: trust the workspace.
 * Presets run everywhere (they are no one's code), and so do the extension's own examples (the
 * walkthrough's experiments).
 *
 * The origin follows the code wherever it travels: a panel whose loss came from a file keeps that
 * origin through edits in the panel, Compare Optimizers, Open in Editor, and a window reload (it
 * is saved with the panel's experiment), until a command replaces the experiment with one of a
 * known origin (Open Preset, New Loss Function, a walkthrough step).
 */
import * as path from 'node:path';
import type { LossSpec } from '../engine/types';
import type { PanelError } from '../protocol';

/**
 * Where the loss's code came from: typed in the panel (or made by a command from a preset or a
 * template), the extension's own files, an untitled editor the user typed into, or a file.
 */
export type LossOrigin = 'panel' | 'extension' | 'untitled' | 'workspaceFile';

/** The one action an untrusted workspace's refusal offers. */
export const TRUST_ACTION = 'Trust this workspace to run its loss';

/** Why the loss is not run, as a notification says it beside the action. */
export const UNTRUSTED_NOTICE = 'This loss came from a file in a workspace VS Code does not trust: it is shown, not run.';

/** The same in the panel, where the action is named rather than a button. */
export const UNTRUSTED_MESSAGE = `${UNTRUSTED_NOTICE} Presets and snippets typed in the panel still run. `
  + 'Trust the workspace to run it (Workspaces: Manage Workspace Trust).';

/** Whether code of `origin` is the user's own (or the extension's), so it runs without trust. */
export function isOwnCode(origin: LossOrigin): boolean {
  return origin !== 'workspaceFile';
}

/** The refusal to show, or undefined when the loss may run. */
export function trustRefusal(loss: LossSpec, origin: LossOrigin, trusted: boolean): PanelError | undefined {
  if (trusted) return undefined;
  if ('preset' in loss) return undefined;
  if ('file' in loss || !isOwnCode(origin)) return { kind: 'trust', message: UNTRUSTED_MESSAGE };
  return undefined;
}

/**
 * The origin of an experiment read from the file `file`: the extension's own when it lies in the
 * extension's folder `extensionRoot`; a file's when its loss is code (`loss.source`); the panel's
 * for a preset (no code came with it; a `loss.file` is refused by itself).
 */
export function originOfExperimentFile(file: string, extensionRoot: string, loss: LossSpec): LossOrigin {
  const inside = path.relative(extensionRoot, file);
  if (inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside)) return 'extension';
  return 'source' in loss ? 'workspaceFile' : 'panel';
}

/**
 * The origin to assume for an experiment saved before origins were saved with it: its code, if
 * any, is treated as a file's (it may have been one).
 */
export function originOfUnknown(loss: unknown): LossOrigin {
  return typeof loss === 'object' && loss !== null && 'source' in loss ? 'workspaceFile' : 'panel';
}

/** A saved origin read back (storage holds anything): the value, or undefined when it is not one. */
export function parseOrigin(value: unknown): LossOrigin | undefined {
  return value === 'panel' || value === 'extension' || value === 'untitled' || value === 'workspaceFile' ? value : undefined;
}
