/**
 * axe-core (Deque's accessibility rules engine, the one browser devtools and most CI checkers run)
 * inside a page or a webview frame: the panel's CSP refuses inline scripts, so its source is
 * evaluated through the DevTools protocol, which the CSP does not govern. Used by the Chromium page
 * tests (test/webview/a11y.browser.test.ts) and inside code-server (test/integration/a11y.ts).
 */
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { repoPath } from '../repoRoot';

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** Each failing element: its selector and what axe says is wrong. */
  readonly nodes: readonly string[];
}

let source: string | undefined;

/** Runs every axe rule (WCAG A/AA and best practices) on the document of `target`; returns the violations. */
export async function runAxe(target: Page | Frame): Promise<AxeViolation[]> {
  source ??= readFileSync(repoPath('node_modules/axe-core/axe.min.js'), 'utf8');
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(source);
  return target.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
    }));
  });
}

/** The violations as lines a failing assertion can show. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).join('\n    ')}`).join('\n');
}
