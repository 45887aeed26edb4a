/**
 * The hover provider behind registerExplanations: finds what the word under the mouse is (the
 * pure rule in src/explain/hoverRule.ts), builds the Markdown from the registry, and renders
 * formulas as SVG `data:` images in a colour that reads on the current theme.
 */
import * as vscode from 'vscode';
import { findHoverTarget, hoverLanguage } from '../explain/hoverRule';
import { hoverMarkdown, OPEN_WITH_OPTIMIZER_COMMAND, type FormulaImage } from '../explain/hoverContent';
import { formulaDataUri, type FormulaTheme } from './explainSvg';

export function formulaTheme(kind: vscode.ColorThemeKind): FormulaTheme {
  switch (kind) {
    case vscode.ColorThemeKind.Light: return 'light';
    case vscode.ColorThemeKind.HighContrast: return 'highContrast';
    case vscode.ColorThemeKind.HighContrastLight: return 'highContrastLight';
    default: return 'dark';
  }
}

/** Characters of images per hover, leaving room for the text under VS Code's 100,000 limit. */
const MARKDOWN_BUDGET = 85_000;

export class ExplanationHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const language = hoverLanguage(document.languageId, document.fileName);
    if (!language) return undefined;
    const getLine = (row: number): string | undefined => (row >= 0 && row < document.lineCount ? document.lineAt(row).text : undefined);
    const target = findHoverTarget(getLine, position.line, position.character, language);
    if (!target) return undefined;
    const theme = formulaTheme(vscode.window.activeColorTheme.kind);
    // VS Code cuts hover Markdown at 100,000 characters (a cut data: URI shows as text): images
    // beyond the budget fall back to their words.
    let budget = MARKDOWN_BUDGET;
    const image: FormulaImage = (tex, alt) => {
      try {
        const md = `![${alt}](${formulaDataUri(tex, theme)})`;
        if (md.length > budget) return `\`${alt}\``;
        budget -= md.length;
        return md;
      } catch {
        return `\`${alt}\``; // the words, when MathJax refuses the LaTeX
      }
    };
    const text = hoverMarkdown(target, image);
    if (!text) return undefined;
    const md = new vscode.MarkdownString(text, true);
    md.isTrusted = { enabledCommands: [OPEN_WITH_OPTIMIZER_COMMAND] };
    return new vscode.Hover(md, new vscode.Range(position.line, target.start, position.line, target.end));
  }
}
