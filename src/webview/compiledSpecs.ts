/**
 * Vega specs compiled by earlier panels: the host keeps the latest of each chart and writes them
 * into the page (src/extension/panel.ts). They are kept by Vega-Lite's version and the spec's
 * structure (`specSignals`: without its values and size); an embed whose structure has one takes
 * it with its own values and size written in (`withValues`) instead of compiling.
 */
import type { SpecSignals } from '../charts';

const compiled = new Map<string, unknown>();

/** Takes the page's `compiledCharts` (`{ [chart]: { key, spec } }`). */
export function seedCompiledSpecs(charts: Readonly<Record<string, { key: string; spec: unknown }>> | undefined): void {
  for (const e of Object.values(charts ?? {})) compiled.set(e.key, e.spec);
}

/** The key of a compiled Vega spec: Vega-Lite's version and the structure it was compiled from. */
export function compiledKey(vegaLiteVersion: string, parts: SpecSignals): string {
  return `${vegaLiteVersion}\n${parts.structure}`;
}

export function keptSpec(key: string): unknown {
  return compiled.get(key);
}

export function keepSpec(key: string, spec: unknown): void {
  compiled.set(key, spec);
}

/**
 * A copy of a compiled spec with `parts`' values and size: each value signal is a top-level Vega
 * signal with a `value`, and the plot size is the spec's `width` and `height` (as Vega-Lite
 * compiles the panel's specs; test/charts/specSignals.test.ts).
 */
export function withValues(spec: unknown, parts: SpecSignals): unknown {
  const copy = structuredClone(spec) as { width?: number; height?: number; signals?: Array<{ name: string; value?: unknown }> };
  if (parts.width !== undefined) copy.width = parts.width;
  if (parts.height !== undefined) copy.height = parts.height;
  for (const signal of copy.signals ?? []) if (parts.values.has(signal.name)) signal.value = parts.values.get(signal.name);
  return copy;
}
