/**
 * The charts by name, and the file each is written to (the panel's Export Results and the CLI's
 * `--out` write the same names), and the steps-per-second figure both show.
 */

/** The panel's charts, by name (chart views, exported files, `compiledChart` messages). */
export const CHART_NAMES = ['loss', 'paths', 'lr', 'gradNorm', 'sharpness', 'rateMap'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** The file-name stem of each chart (`learning-rate.svg`). */
export const CHART_FILES: Readonly<Record<ChartName, string>> = {
  loss: 'loss', paths: 'paths', lr: 'learning-rate', gradNorm: 'gradient-norm', sharpness: 'sharpness', rateMap: 'rate-map',
};

/** "12.3k", "1.45M": steps per second for people. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)}k`;
  return perSecond.toPrecision(3);
}
