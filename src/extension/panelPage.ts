/**
 * The panel's page as VS Code loads it: which of the extension's files it lists (stylesheets,
 * fonts, preloaded chunks), the webview's options (scripts on, resources only from the extension's
 * dist/ and media/), and the HTML with them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { webviewHtml } from './html';

/** The webview's files besides dist/webview.js, relative to the extension (those that exist). */
interface WebviewFiles {
  readonly styles: string[]; readonly preload: string[];
  /** Put into the page after the first chart (html.ts `later`). */
  readonly later: { readonly styles: string[]; readonly fonts: string[] };
}
let webviewFilesCache: { root: string; files: WebviewFiles } | undefined;

/**
 * Which stylesheets, fonts and preloaded chunks the panel's page lists: looked up on disk once per
 * extension folder (they change only with a new build), not for every panel.
 */
function webviewFiles(root: string): WebviewFiles {
  if (webviewFilesCache?.root === root) return webviewFilesCache.files;
  const existing = (rels: string[]): string[] => rels.filter((rel) => fs.existsSync(path.join(root, rel)));
  let preload: string[] = [];
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'webview-preload.json'), 'utf8')) as { chunks?: unknown };
    if (Array.isArray(manifest.chunks)) preload = manifest.chunks.filter((c): c is string => typeof c === 'string').map((c) => `dist/${c}`);
  } catch { /* no manifest: the chunks load after dist/webview.js, a little later */ }
  const files = {
    styles: existing(['dist/media/codicons/codicon.css', 'media/panel.css', 'dist/webview.css']),
    preload,
    later: {
      styles: existing(['dist/media/katex/katex.min.css']),
      // (The icons' font is fetched by codicon.css as soon as the panel draws its first icon.)
      fonts: existing(['dist/media/katex/fonts/KaTeX_Main-Regular.woff2', 'dist/media/katex/fonts/KaTeX_Math-Italic.woff2']),
    },
  };
  webviewFilesCache = { root, files };
  return files;
}

/** The webview's options: scripts on, resources only from the extension's dist/ and media/. */
export function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
  const ext = context.extensionUri;
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ext, 'dist'), vscode.Uri.joinPath(ext, 'media')] };
}

/** The page's HTML; `initial` is what the webview uses before the host's first message (it embeds its loss chart from it). */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, initial: unknown): string {
  const files = webviewFiles(extensionUri.fsPath);
  const uri = (rel: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...rel.split('/'))).toString();
  return webviewHtml({
    cspSource: webview.cspSource,
    script: uri('dist/webview.js'),
    preload: files.preload.map(uri),
    styles: files.styles.map(uri),
    later: { styles: files.later.styles.map(uri), fonts: files.later.fonts.map(uri) },
    initial,
  });
}
