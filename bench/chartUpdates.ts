/**
 * The panel charts' dataflow cost per streamed update, under Node (no rendering): the panel's four
 * specs (src/webview/panelCharts.ts) compiled by Vega-Lite and run by Vega with the expression
 * interpreter (as under the panel's CSP), fed the rows the panel's PointStore derives from the
 * host's messages for 4 runs × 10,000 steps (test/webview/scenario.ts, `host: true`), one
 * changeset per message. Prints, per chart, the longest and total `runAsync` CPU time, the axis
 * (and legend) domains it went through (each change re-encodes every mark), with SLOW=ms the updates
 * slower than that, and what a change of runs (and of the paths window) costs once every row is
 * shown: set as value signals on the view (src/charts/specs/signals.ts `specSignals`, what the panel does)
 * or as a re-embed of the changed spec. A quick, rendering-free companion to bench/webviewStream.ts.
 */
import { contourRows, defaultDarkTheme, heatmapBounds, minimumRows, specSignals, surfaceRows } from '../src/charts';
import { getProblem } from '../src/engine/problems';
import { fromWire, type ChartName, type ToWebview } from '../src/protocol';
import { panelLayout } from '../src/webview/chartLayout';
import { panelChartSpecs } from '../src/webview/panelCharts';
import { reconcileReplace } from '../src/webview/changesetQueue';
import { axisKey, pointKey, samePoint, type Row } from '../src/webview/viewUpdater';
import { PointStore } from '../src/webview/pointStore';
import { buildScenario, fourRuns as experiment } from '../test/webview/scenario';

export async function benchChartUpdates(): Promise<void> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const { expressionInterpreter } = await import('vega-interpreter');
  const problem = getProblem('rosenbrock')!;
  const scenario = buildScenario(experiment, 200, { host: true });
  const init = scenario.init as Extract<ToWebview, { type: 'init' }>;
  const s = init.surface!;
  const values = fromWire(s.loss);
  const { x0, x1, y0, y1 } = heatmapBounds(s.xs, s.ys);
  const domain = { x: [x0, x1] as [number, number], y: [y0, y1] as [number, number] };
  const runs = experiment.runs.map((r) => r.label!);
  const specs = panelChartSpecs({ theme: defaultDarkTheme, runs, layout: panelLayout(600, 900, 90), lossFloor: 0, steps: experiment.steps,
    surface: { domain, resolution: s.xs.length, axisTitles: ['θ₀', 'θ₁'] } });
  const surface = new Map<string, object[]>([['surface', surfaceRows(s.xs, s.ys, values)], ['contours', contourRows(s.xs, s.ys, values)],
    ['minima', minimumRows(problem.minima)]]);
  console.log('\nPanel chart updates while 4 runs × 10,000 steps stream (Vega under Node, no rendering; CPU time)');
  for (const name of Object.keys(specs) as ChartName[]) {
    const compiled = vl.compile(specs[name] as never).spec;
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), { expr: expressionInterpreter, renderer: 'none', logLevel: vega.Error });
    for (const [n, rows] of surface) if (hasData(view, n)) view.insert(n, rows);
    trySignal(view, 'hoverOn', false);
    trySignal(view, 'stepMax', experiment.steps);
    await view.runAsync();
    const store = new PointStore([0, 1], (r) => runs[r]!);
    if (!process.argv.includes('--no-expect-steps')) store.expectSteps(experiment.steps);
    let max = 0, total = 0, updates = 0;
    const slow: string[] = [];
    const domains: string[] = [];
    for (const m of scenario.stream) {
      if (m.type !== 'points' && m.type !== 'runEnd') continue;
      const cs = vega.changeset();
      const inserts: object[] = [];
      const replaced = new Set<number>();
      if (m.type === 'points') {
        for (const series of m.series) {
          const d = store.add(series);
          if (d.replace) replaced.add(d.run);
          inserts.push(...d.rows);
        }
      } else inserts.push(...store.finish(m.run).rows);
      // As chartView.ts applies a replace: only the rows that went are removed.
      const r = replaced.size > 0
        ? reconcileReplace<Row>(view.data('points') as Row[], [(t) => replaced.has(t.run as number)], inserts as Row[], pointKey, samePoint)
        : { remove: [], insert: inserts };
      if (r.remove.length > 0) cs.remove(r.remove);
      cs.insert(r.insert);
      view.change('points', cs);
      // CPU time, not wall time: the machine these run on is shared and busy.
      const t0 = process.cpuUsage();
      await view.runAsync();
      const used = process.cpuUsage(t0);
      const ms = (used.user + used.system) / 1000;
      max = Math.max(max, ms);
      const d = axisKey(view);
      if (d !== domains[domains.length - 1]) domains.push(d);
      if (process.env.SLOW && ms > Number(process.env.SLOW)) slow.push(`#${updates} ${ms.toFixed(0)} ms (+${r.insert.length} −${r.remove.length} rows)`);
      total += ms;
      updates++;
    }
    console.log(`${name.padEnd(8)} updates ${updates}, longest ${max.toFixed(1)} ms, total ${total.toFixed(0)} ms CPU; ${store.displayCount} rows at the end`);
    console.log(`  axis domains (${domains.length}): ${domains.join(' → ')}`);
    if (slow.length > 0) console.log(`  slow updates: ${slow.join(', ')}`);

    // A change of runs (and, on the paths chart, of window) with every row shown: as value signals
    // on this view (what the panel does), against embedding the changed spec (what it did).
    const changed = panelChartSpecs({ theme: defaultDarkTheme, runs: [...runs].reverse(), layout: panelLayout(600, 900, 90), lossFloor: 0, steps: experiment.steps,
      surface: { domain: { x: [domain.x[0] * 2, domain.x[1] * 2], y: domain.y }, resolution: s.xs.length, axisTitles: ['θ₀', 'θ₁'] } })[name]!;
    const parts = specSignals(changed);
    const t1 = process.cpuUsage();
    for (const [signal, value] of parts.values) trySignal(view, signal, value);
    if (parts.height !== undefined) view.height(parts.height);
    await view.resize().runAsync();
    const signalled = cpuMs(t1);
    const rows = view.data('points') as object[];
    const t2 = process.cpuUsage();
    const fresh = new vega.View(vega.parse(vl.compile(changed as never).spec, undefined, { ast: true }), { expr: expressionInterpreter, renderer: 'none', logLevel: vega.Error });
    for (const [n, r] of surface) if (hasData(fresh, n)) fresh.insert(n, r);
    fresh.insert('points', rows);
    trySignal(fresh, 'hoverOn', false);
    await fresh.runAsync();
    const embedded = cpuMs(t2);
    console.log(`  new runs${name === 'paths' ? ' and window' : ''}: as signals ${signalled.toFixed(1)} ms, as a re-embed (compile, parse, first run) ${embedded.toFixed(1)} ms CPU`);
    fresh.finalize();
    view.finalize();
  }
}

/** CPU milliseconds since `since` (a `process.cpuUsage()`). */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function hasData(view: { data(n: string): unknown }, name: string): boolean {
  try { view.data(name); return true; } catch { return false; }
}
function trySignal(view: { signal(n: string, v: unknown): unknown }, name: string, value: unknown): void {
  try { view.signal(name, value); } catch { /* not in this chart */ }
}

if (require.main === module) {
  benchChartUpdates().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
