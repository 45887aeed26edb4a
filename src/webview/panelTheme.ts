/**
 * The chart theme of the VS Code colour theme the panel is shown in.
 *
 * VS Code sets `vscode-light`, `vscode-dark` or `vscode-high-contrast` (plus
 * `vscode-high-contrast-light`) on `document.body` and exposes every theme colour as a
 * `--vscode-*` CSS variable. Canvas drawing cannot read CSS variables, so they are resolved
 * here to concrete colours; `observeThemeChanges` calls back when the body's theme class or
 * its variables change, and the panel re-embeds its charts with the new theme.
 */
import { defaultDarkTheme, defaultLightTheme, type ChartTheme } from '../charts/theme';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

function cssVar(style: CSSStyleDeclaration, name: string): string | undefined {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? undefined : v;
}

/** VS Code's chart colours (used by its own charts), in the order runs get them. */
const CHART_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-red', '--vscode-charts-green',
  '--vscode-charts-purple', '--vscode-charts-yellow'];

export function readChartTheme(body: HTMLElement = document.body): ChartTheme {
  const kind = themeKind(body);
  const base = kind === 'dark' || kind === 'high-contrast' ? defaultDarkTheme : defaultLightTheme;
  const s = getComputedStyle(body);
  const fg = cssVar(s, '--vscode-foreground') ?? cssVar(s, '--vscode-editor-foreground') ?? base.foreground;
  const border = cssVar(s, '--vscode-contrastBorder');
  const grid = kind.startsWith('high-contrast') && border ? border
    : cssVar(s, '--vscode-charts-lines') ?? cssVar(s, '--vscode-editorWidget-border') ?? base.gridColor;
  const vsPalette = CHART_VARS.map((v) => cssVar(s, v)).filter((v): v is string => v !== undefined);
  // VS Code's six chart colours first, then the base palette for the seventh run onwards.
  const palette = vsPalette.length === CHART_VARS.length
    ? [...vsPalette, ...base.palette.slice(vsPalette.length)]
    : base.palette;
  const fontSize = Number.parseFloat(cssVar(s, '--vscode-font-size') ?? '') || base.fontSize;
  return {
    ...base,
    foreground: fg,
    background: 'transparent',
    gridColor: grid,
    font: cssVar(s, '--vscode-font-family') ?? base.font,
    fontSize: Math.max(10, Math.min(14, fontSize - 2)),
    palette,
    accent: cssVar(s, '--vscode-errorForeground') ?? cssVar(s, '--vscode-charts-red') ?? base.accent,
    ...SURFACES[kind],
  };
}

/**
 * The loss surface in each kind of theme, chosen so that every path stands out from every colour of
 * it at ≥ 3:1 (WCAG 1.4.11), either itself or through its casing (theme.ts `pathCasingOf`): light
 * themes a pale surface (relative luminance ≥ 0.18: the scheme over the white panel at 0.6) under
 * black casings; dark themes the dark end of magma (luminance ≤ 0.07) under white casings, a run
 * colour too light for white cased in black and bright enough against the surface itself; high
 * contrast the same in greys only, so that colour is the paths'. Measured: test/webview/a11y.browser.test.ts.
 */
const SURFACES: Readonly<Record<ThemeKind, Pick<ChartTheme, 'scheme' | 'schemeExtent' | 'surfaceOpacity' | 'pathCasing' | 'contourColor'>>> = {
  'light': { scheme: 'viridis', schemeExtent: [0, 1], surfaceOpacity: 0.6, pathCasing: '#000000', contourColor: 'rgba(255,255,255,0.55)' },
  'high-contrast-light': { scheme: 'viridis', schemeExtent: [0, 1], surfaceOpacity: 0.6, pathCasing: '#000000', contourColor: 'rgba(255,255,255,0.55)' },
  // Contours no brighter than the surface's brightest (luminance 0.06): lighter lines would put
  // pixels between the two bands a path and its casing stand out from.
  'dark': { scheme: 'magma', schemeExtent: [0, 0.35], surfaceOpacity: 1, pathCasing: '#ffffff', contourColor: '#444444' },
  'high-contrast': { scheme: 'greys', schemeExtent: [0.84, 1], surfaceOpacity: 1, pathCasing: '#ffffff', contourColor: '#444444' },
};

/** Calls `onChange` (debounced to one call per frame) when the body's theme class or style changes. */
export function observeThemeChanges(onChange: (kind: ThemeKind) => void, body: HTMLElement = document.body): () => void {
  let last = `${body.className}|${body.getAttribute('style') ?? ''}`;
  let pending = false;
  const observer = new MutationObserver(() => {
    const now = `${body.className}|${body.getAttribute('style') ?? ''}`;
    if (now === last || pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      last = `${body.className}|${body.getAttribute('style') ?? ''}`;
      onChange(themeKind(body));
    });
  });
  observer.observe(body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-id'] });
  return () => observer.disconnect();
}
