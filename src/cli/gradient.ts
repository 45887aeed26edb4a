/**
 * How the CLI says where a run's gradients come from (issue 12: a fallback to finite
 * differences is never silent): a line under the `--summary` table, and a warning on stderr when
 * they are central differences, with the reason and the loss's line and column. `--json` carries
 * the same facts as each run's `gradient` field (output.ts).
 */
import type { GradientInfo } from '../snippet/types';

const PATHS: Readonly<Record<NonNullable<GradientInfo['path']>, string>> = {
  'straight-line': 'straight-line reverse mode',
  forward: 'forward mode',
  reverse: 'reverse mode',
};

/** `where` (the loss's file, or `x.optim.json: loss.source`) with the construct's line and column. */
function at(g: GradientInfo, where: string): string {
  return g.line !== undefined ? `${where}:${g.line}:${g.column ?? 1}` : where;
}

/** "gradient: …", one line for the summary. */
export function gradientLine(g: GradientInfo, where: string): string {
  switch (g.mode) {
    case 'analytic': return 'gradient: analytic (the built-in problem\'s own)';
    case 'user': return 'gradient: the snippet\'s grad export';
    case 'autodiff': return `gradient: exact, by automatic differentiation${g.path ? ` (${PATHS[g.path]})` : ''}`;
    default: return `gradient: central differences, NOT exact — ${g.reason ?? 'the differentiator could not follow the loss'} (${at(g, where)})`;
  }
}

/** The warning for stderr when the gradients are central differences, else undefined. */
export function gradientWarning(g: GradientInfo, where: string): string | undefined {
  if (g.mode !== 'finite-differences') return undefined;
  return `${at(g, where)}: warning: the gradients are central differences, not exact: ${g.reason ?? 'the differentiator could not follow the loss'}`;
}
