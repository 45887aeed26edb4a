/**
 * `optimizer-playground run FILE`: reads and validates the experiment, runs it in a session, and
 * writes what was asked — the summary table, the `--json` object, the `--out` folder — keeping in
 * memory only a few numbers per run; the exact points, when an output needs them, go to a
 * `PointStore` (src/points), which spills to $TMPDIR beyond 32 MB. An experiment whose points
 * would not fit on the disk is refused before it runs, with the sizes.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperiment } from '../engine/experiment';
import type { RunSummaryEntry } from '../engine/runSummary';
import type { Experiment, RunnerEvent } from '../engine/types';
import { spaceShortfall, csvBytes, spillBytes } from '../points/space';
import { DEFAULT_MEMORY_BYTES, PointStore } from '../points/store';
import { ChunkedWriter } from '../points/writers';
import type { LossError, SessionInfo } from '../snippet/types';
import type { Command } from './args';
import { describeIssues, readExperimentFile } from './experimentFile';
import { chartSpecs, prepareOutDir, SURFACE_RESOLUTION, writeOutDir } from './files';
import { summaryTable, writeJson } from './output';
import { gradientLine, gradientWarning } from './gradient';
import { mark } from '../snippet/startupTrace';
import { ProgressBar } from './progress';
import { ResultCollector } from './results';
import { safeMessage, tableLabel, terminalText } from './text';
import { tuneFirst, TuningFailed } from './tuneFirst';
import { tuningCharts, tuningJson, tuningTable } from './tuning';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { surfaceGrid } from '../charts/rows';
import { defaultLightTheme } from '../charts/theme';

const NAME = 'optimizer-playground';

/** The experiment could not run or its output could not be written: exit status 1, `message` as it is. */
export class CliError extends Error {}

function isLossError(e: unknown): e is LossError {
  return typeof e === 'object' && e !== null && typeof (e as LossError).kind === 'string' && typeof (e as LossError).message === 'string';
}

/**
 * A LossError's text as the loss wrote it: `detail` when the sandbox had to cut or escape its one
 * line (the CLI cuts and escapes it again, saying how much `--full-messages` would add).
 */
function lossText(e: LossError): string {
  const detail = (e as { detail?: unknown }).detail;
  return typeof detail === 'string' ? detail : e.message;
}

/** Where the loss is, for messages (escaped): its file, `x.optim.json: loss.source`, or the experiment file. */
function lossWhere(file: string, experiment: Experiment): string {
  const loss = experiment.loss;
  return terminalText('file' in loss ? path.relative(process.cwd(), path.resolve(path.dirname(file), loss.file)) || loss.file
    : 'source' in loss ? `${file}: loss.source` : file);
}

/** A loss error as `file:line:column: message` per diagnostic, or `where: message`. */
export function describeLossError(file: string, experiment: Experiment, e: LossError, full = false): string {
  const where = lossWhere(file, experiment);
  const diagnostics = (e.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (diagnostics.length > 0) return diagnostics.map((d) => `${where}:${d.line}:${d.column}: ${safeMessage(d.message, full)}`).join('\n');
  return `${where}: ${safeMessage(lossText(e), full)}`;
}

/** What failed while writing an output, as one line. */
function writeFailure(what: string, e: unknown): CliError {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code === 'ENOSPC' ? 'no space left on the device' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied'
    : err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a file is in the way' : (err.message ?? String(e));
  return new CliError(`${NAME}: cannot write ${terminalText(what)}: ${terminalText(reason)}`);
}

/** Runs the command; the process stays alive until it has finished (whatever the session holds open). */
export async function runCommand(command: Extract<Command, { kind: 'run' }>): Promise<void> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await run(command);
  } finally {
    clearInterval(keepAlive);
  }
}

/** The experiment file, read within its size cap and validated (UsageError when unreadable, CliError when invalid). */
export async function readExperiment(file: string, full: boolean): Promise<Experiment> {
  const parsed = parseExperiment(await readExperimentFile(file));
  if (!parsed.ok) throw new CliError(describeIssues(file, parsed.issues, full));
  return parsed.experiment;
}

/** Ctrl-C: the processes are ended by whoever owns them; the CLI says so and exits 130. */
function interrupted(): never {
  process.stderr.write(`${NAME}: interrupted\n`);
  process.exit(130);
}

async function run(command: Extract<Command, { kind: 'run' }>): Promise<void> {
  const file = command.file;
  const full = command.fullMessages === true;
  const fromFile = await readExperiment(file, full);
  mark('experiment read');
  const startOptions = { baseDir: path.dirname(path.resolve(file)) };
  if (!('preset' in fromFile.loss)) {
    // The compiler process loads TypeScript (most of a second) while the rest starts — unless an
    // earlier run compiled the same loss (the cache, in the user's cache folder).
    const [{ startCompiler }, { defaultCacheDirectory, useCompileCache }, { lossSource }] = await Promise.all([
      import('../snippet/compiler.js'), import('../snippet/compileCache.js'), import('../snippet/lossSource.js')]);
    useCompileCache(defaultCacheDirectory());
    void lossSource(fromFile, startOptions).then((source) => { if (source !== null) startCompiler(source); }, () => undefined);
  }
  const outDir = command.outDir;
  if (outDir !== undefined) await prepareOutDir(outDir).catch((e: unknown) => { throw writeFailure(outDir, e); });

  const tuned = await tuneFirst(fromFile, startOptions, interrupted).catch((e: unknown) => {
    throw e instanceof TuningFailed ? new CliError(describeLossError(file, fromFile, e.error, full)) : e;
  });
  const experiment = tuned?.experiment ?? fromFile;
  // Loaded only now: the snippet room brings the TypeScript compiler, which --help does not need.
  const { disposeSpareWorker, startExperiment } = await import('../snippet/session.js');
  // Only the summary table needs no point: the sandbox process then sends the runs' summaries instead.
  const summaryOnly = command.output !== 'json' && outDir === undefined;
  const session = startExperiment(experiment, { ...startOptions, summaryOnly });
  const enabled = experiment.runs.filter((r) => r.enabled !== false);
  const progress = new ProgressBar(enabled.length * (experiment.steps + 1));
  // Events that arrive before the store is ready wait here.
  const sink: { collector?: ResultCollector; early: RunnerEvent[]; earlySummaries: RunSummaryEntry[]; failure?: unknown } = { early: [], earlySummaries: [] };
  session.onSummary((summary) => {
    if (!sink.collector) { sink.earlySummaries.push(summary); return; }
    sink.collector.handleSummary(summary);
    progress.update(sink.collector.received);
  });
  session.onEvent((event) => {
    if (sink.failure !== undefined) return;
    if (!sink.collector) {
      sink.early.push(event);
      return;
    }
    try {
      sink.collector.handle(event);
    } catch (e) {
      sink.failure = e;
      session.cancel();
    }
    progress.update(sink.collector.received);
  });
  let store: PointStore | undefined;
  const stop = (): void => {
    progress.clear();
    session.cancel();
    store?.dispose();
    interrupted();
  };
  process.once('SIGINT', stop);
  try {
    let info: SessionInfo;
    try {
      info = await session.info;
      // Tuning kept a spare process ready for this session, which has taken it: no more spares.
      if (tuned) disposeSpareWorker();
    } catch (e) {
      session.cancel();
      throw isLossError(e) ? new CliError(describeLossError(file, experiment, e, full)) : e;
    }
    const curvature = experiment.curvature === true;
    const warning = gradientWarning(info.gradient, lossWhere(file, experiment));
    if (warning) process.stderr.write(`${terminalText(warning)}\n`);
    if (command.output === 'json' || outDir !== undefined) {
      const spillRoot = os.tmpdir();
      const points = enabled.length * (experiment.steps + 1);
      const longestLabel = Math.max(0, ...enabled.map((r) => r.label.length));
      const shortfall = await spaceShortfall([
        { dir: spillRoot, bytes: spillBytes(points, info.dim, DEFAULT_MEMORY_BYTES, curvature), what: 'temporary copies of the points' },
        ...(outDir !== undefined ? [{ dir: outDir, bytes: csvBytes(points, info.dim, longestLabel, curvature), what: 'points.csv' }] : []),
      ]);
      if (shortfall) {
        session.cancel();
        throw new CliError(`${terminalText(file)}: ${terminalText(shortfall)}. Use --summary, fewer steps or runs, `
          + 'or set TMPDIR (and --out) to a disk with room.');
      }
      store = new PointStore({ runs: experiment.runs.length, dim: info.dim, spillRoot, curvature });
    }
    const collector = new ResultCollector(experiment.runs, info.dim, store, curvature, info.curvature?.quadratic);
    try {
      for (const summary of sink.earlySummaries.splice(0)) collector.handleSummary(summary);
      for (const event of sink.early.splice(0)) collector.handle(event);
    } catch (e) {
      sink.failure = e;
      session.cancel();
    }
    sink.collector = collector;

    // Ask for the surface under the paths while the session runs (it may be gone once runs end).
    const grid = outDir !== undefined && info.dim === 2 && info.domain ? surfaceGrid(info.domain, SURFACE_RESOLUTION) : undefined;
    const surfaceRequest = grid
      ? session.surface({ xs: grid.xs, ys: grid.ys, at: info.init, dims: [0, 1] }).catch(() => undefined)
      : undefined;
    // A loss that fails mid-run (a timeout, a memory limit) ends the runs still going as errors.
    let failure: string | undefined;
    try {
      await session.done;
    } catch (e) {
      failure = isLossError(e) ? describeLossError(file, experiment, e, full) : (e as Error).message;
    }
    const surfaceValues = surfaceRequest ? await surfaceRequest : undefined;
    progress.clear();
    if (sink.failure !== undefined) throw writeFailure(`temporary copies of the points in ${store?.spillFolder ?? os.tmpdir()}`, sink.failure);
    for (const r of collector.runs) {
      if (r.status === 'running' && failure !== undefined) {
        r.status = 'error';
        r.message = failure;
      }
    }
    collector.finish();

    // The charts' data is read now, while the session can still draw the loss surface; then the
    // session (and its sandbox process) goes before the long writes.
    const outInput = outDir !== undefined ? { experiment, info, runs: collector.runs, store: store as PointStore, fullMessages: full } : undefined;
    const charts = outInput && await chartSpecs(outInput, async (xs, ys) => {
      if (grid && surfaceValues && xs.length === grid.xs.length && xs[0] === grid.xs[0] && ys[0] === grid.ys[0]) return surfaceValues;
      return session.surface({ xs, ys, at: info.init, dims: [0, 1] }).catch(() => undefined);
    });
    session.cancel();
    if (charts && tuned) charts.push(...tuningCharts(tuned.plans, tuned.results, defaultLightTheme).map((c) => [c.name, c.spec] as [string, TopLevelSpec]));

    if (command.output === 'json') {
      const head = tuned ? { tuning: tuningJson(tuned.results) } : {};
      await writeJson(new ChunkedWriter(process.stdout), collector.runs, store as PointStore, info.gradient, full, head);
    } else {
      const title = experiment.title ? `${safeMessage(experiment.title, full)}\n\n` : '';
      const tuning = tuned ? `${tuningTable(tuned.plans, tuned.results, tableLabel)}\n` : '';
      mark('output written');
      process.stdout.write(`${title}${tuning}${summaryTable(collector.runs, full)}${terminalText(gradientLine(info.gradient, lossWhere(file, experiment)))}\n`);
    }

    if (outDir !== undefined && outInput && charts) {
      const written = await writeOutDir(outDir, outInput, charts).catch((e: unknown) => { throw writeFailure(outDir, e); });
      process.stderr.write(`wrote ${written.length} files to ${terminalText(outDir)}: ${written.join(', ')}\n`);
    }
  } finally {
    session.cancel();
    store?.dispose();
    process.removeListener('SIGINT', stop);
  }
}
