/**
 * The page helper of everything that drives a real VS Code (code-server under headless Chromium)
 * from outside it: the command palette, the playground's webview frame and its debug hook, waiting,
 * and VS Code's colour theme. Used by browser.ts, firstScreen.ts, a11y.ts, test/explain/hover.browser.ts
 * and bench/vscode.ts (through browser.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';

/** Polls `check` until it returns something truthy (a throw counts as not yet), or fails after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve().then(check).catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Evaluates `f` in the webview frame with the panel's debug hook (`window.__optimizerPlayground`)
 * as its first argument; `arg` travels as JSON (closures do not).
 */
export const hook = <T, H = unknown, A = undefined>(frame: Frame, f: (h: H, arg: A) => T | Promise<T>, arg?: A): Promise<T> =>
  frame.evaluate(`(${f.toString()})(window.__optimizerPlayground, ${JSON.stringify(arg ?? null)})`) as Promise<T>;

/**
 * Runs a command from the palette by its title, as a person does: F1, the title typed, the row
 * whose label is exactly the title chosen (the palette's top row may be another command that
 * contains the words: "Preferences: Browse Color Themes in Marketplace" ranks above "Preferences:
 * Color Theme"). Resolves when the row was chosen (ms since the epoch).
 */
export async function runCommand(page: Page, title: string, timeoutMs = 90_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    // A workbench still starting may not open the palette yet: try again.
    if (!(await input.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false))) {
      if (Date.now() > end) throw new Error(`the command palette did not open for "${title}"`);
      await page.keyboard.press('Escape');
      continue;
    }
    // Something taking the focus (the Welcome page as it loads) closes the palette: open it again.
    if (!(await input.fill(`>${title}`, { timeout: 5000 }).then(() => true, () => false))) {
      if (Date.now() > end) throw new Error(`the command palette closed before "${title}" could be typed`);
      continue;
    }
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name').getByText(title, { exact: true }) }).first();
    // The extension's commands appear once the extension host has scanned it: retry until then.
    if (await row.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
      const chosen = Date.now();
      if (await row.evaluate((e) => e.classList.contains('focused'))) await page.keyboard.press('Enter');
      else await row.click();
      return chosen;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > end) throw new Error(`the command "${title}" is not in the command palette`);
    await page.waitForTimeout(1000);
  }
}

/** The webview frame that holds the playground (the panel's page is nested in two iframes). */
export async function playgroundFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  return waitFor('the playground webview', async () => {
    for (const f of page.frames()) {
      const has = await f.evaluate(() => !!(window as { __optimizerPlayground?: unknown }).__optimizerPlayground && !!document.querySelector('.toolbar')).catch(() => false);
      if (has) return f;
    }
    return undefined;
  }, timeoutMs);
}

/** VS Code's default themes: the id in settings, the class it puts on the workbench, and the one on a webview's <body>. */
export const COLOR_THEMES = {
  light: { id: 'Default Light Modern', workbench: 'vs', webview: 'vscode-light' },
  dark: { id: 'Default Dark Modern', workbench: 'vs-dark', webview: 'vscode-dark' },
  highContrast: { id: 'Default High Contrast', workbench: 'hc-black', webview: 'vscode-high-contrast' },
} as const;
export type ColorThemeKind = keyof typeof COLOR_THEMES;

/** The kind of colour theme the workbench shows now. */
export async function currentColorTheme(page: Page): Promise<ColorThemeKind> {
  const classes = await page.evaluate(() => [...(document.querySelector('.monaco-workbench')?.classList ?? [])]);
  const kind = (Object.keys(COLOR_THEMES) as ColorThemeKind[]).find((k) => classes.includes(COLOR_THEMES[k].workbench));
  if (!kind) throw new Error(`the workbench shows no known theme: ${classes.join(' ')}`);
  return kind;
}

/**
 * Sets VS Code's colour theme in the workspace's settings (`workspace`/.vscode/settings.json, other
 * settings kept) and waits until the workbench shows it. code-server applies a change of the
 * workspace's settings file within seconds, but never one written into the user's settings.json
 * behind its back (that file is not watched), and the theme picker writes the user's settings,
 * which every window of a shared code-server reads: the workspace's file keeps the change to this test.
 */
export async function setColorTheme(page: Page, workspace: string, kind: ColorThemeKind): Promise<void> {
  const file = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> : {};
  fs.writeFileSync(file, JSON.stringify({ ...settings, 'workbench.colorTheme': COLOR_THEMES[kind].id }, null, 2));
  const cls = COLOR_THEMES[kind].workbench;
  await page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c) === true, cls, { timeout: 60_000 })
    .catch(() => { throw new Error(`the workbench did not switch to ${COLOR_THEMES[kind].id} within 60 s of the workspace's settings naming it`); });
}

/** Opens a workspace file by name from Quick Open and waits until the editor shows `marker`. */
export async function openFile(page: Page, name: string, marker: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 45_000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-line', { hasText: marker }).first().waitFor({ timeout: 30_000 });
}
