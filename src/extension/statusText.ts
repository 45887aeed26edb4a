/** The status bar item's words for what the optimizer is doing (panelStatus.ts shows them). */
import { formatRate } from '../charts/names';

export function statusText(state: string, stepsPerSecond: number): { text: string; tooltip: string } {
  if (state === 'idle') return { text: '$(graph-line) Optimizer Playground', tooltip: 'Optimizer Playground: idle' };
  if (state !== 'running') return { text: '$(debug-pause) Optimizer paused', tooltip: `Optimizer Playground: ${state}. Click to stop.` };
  // Before the first points there is no rate yet: "Optimizing…", not "0.00 steps/s".
  if (!(stepsPerSecond > 0)) return { text: '$(sync~spin) Optimizing…', tooltip: 'Optimizer Playground: running. Click to stop.' };
  const rate = formatRate(stepsPerSecond);
  return { text: `$(sync~spin) Optimizing ${rate} steps/s`, tooltip: `Optimizer Playground: running, ${rate} steps per second. Click to stop.` };
}
