/**
 * Workspace Trust: the extension declares limited support. In an untrusted workspace a loss that
 * comes from a workspace file (a `loss.file`, or an editor document bound with "Run Loss in Active
 * Editor") does not run; presets and the panel's own snippets do — they are the user's typing in
 * the panel, not code that arrived with the folder.
 */
import type { LossSpec } from '../engine/types';
import type { PanelError } from '../protocol';

/** Where the loss's code came from. */
export type LossOrigin = 'panel' | 'workspaceFile' | 'untitled';

export const UNTRUSTED_MESSAGE =
  'This workspace is not trusted: loss files from the workspace do not run. Presets and snippets typed in the panel still do; trust the workspace to run this file.';

/** The refusal to show, or undefined when the loss may run. */
export function trustRefusal(loss: LossSpec, origin: LossOrigin, trusted: boolean): PanelError | undefined {
  if (trusted) return undefined;
  if ('preset' in loss) return undefined;
  if ('file' in loss || origin === 'workspaceFile') return { kind: 'trust', message: UNTRUSTED_MESSAGE };
  return undefined;
}
