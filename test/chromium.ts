/**
 * One headless Chromium (Debian's, through playwright-core) for every browser test of a mocha run:
 * launched by the first file that asks, closed after the run by the root hook (rootHooks.ts). Each
 * test file takes a session: its pages, closed together when the file ends (`close()`), so that a
 * file's pages never outlive it. Launching Chromium costs seconds per file on a busy machine.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let launched: Promise<Browser> | undefined;

/** A test file's share of the browser: `newPage` as Playwright's (each page in its own context), `close` closes them. */
export interface ChromiumSession {
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function chromiumSession(): Promise<ChromiumSession> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  launched ??= chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const browser = await launched;
  const pages = new Set<Page>();
  return {
    async newPage(options) {
      const page = await browser.newPage(options);
      pages.add(page);
      page.once('close', () => pages.delete(page));
      return page;
    },
    async close() {
      await Promise.all([...pages].map((p) => p.close().catch(() => undefined)));
    },
  };
}

/** Closes the shared browser (after the whole run; a later session launches a new one). */
export async function closeChromium(): Promise<void> {
  const browser = launched;
  launched = undefined;
  await (await browser?.catch(() => undefined))?.close();
}
