/**
 * `optimizer-playground`: runs an experiment file headless and reports the runs
 * (DESIGN "Command-line contract"). Every experiment, preset or snippet, runs through the snippet
 * room's `startExperiment` — in a worker thread, the same runner the panel uses.
 *
 * Exit status: 0 the experiment ran (diverged runs are results), 1 the experiment is invalid or
 * its loss cannot be compiled, 2 usage error (including an experiment file that cannot be read).
 * Errors are one readable message on stderr, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import packageJson from '../../package.json';
import { formatIssue, parseExperiment } from '../engine/experiment';
import type { Experiment, RunnerEvent, ValidationIssue } from '../engine/types';
import type { LossError, SessionInfo } from '../snippet/types';
import { parseArgs, USAGE, UsageError, type Command } from './args';
import { SURFACE_RESOLUTION, writeOutDir } from './files';
import { gradientLine, gradientWarning } from './gradient';
import { ChunkedWriter, summaryTable, writeJson } from './output';
import { ProgressBar } from './progress';
import { ResultCollector } from './results';
import { surfaceGrid } from '../charts/rows';

const NAME = 'optimizer-playground';

/** The experiment is invalid or its loss cannot be compiled: exit status 1. */
class ExperimentError extends Error {}

function isLossError(e: unknown): e is LossError {
  return typeof e === 'object' && e !== null && typeof (e as LossError).kind === 'string' && typeof (e as LossError).message === 'string';
}

/** Each validation issue as `path: reason`; malformed JSON as `file:line:column: reason`. */
export function describeIssues(file: string, issues: readonly ValidationIssue[]): string {
  const lines = issues.map((issue) => {
    const at = issue as ValidationIssue & { line?: number; column?: number };
    if (!issue.path && at.line !== undefined) {
      // The position moves to the front, where editors and terminals make it a link.
      return `${file}:${at.line}:${at.column ?? 1}: ${issue.message.replace(/^malformed JSON at line \d+, column \d+:/, 'malformed JSON:')}`;
    }
    return `  ${formatIssue(issue)}`;
  });
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return lines[0]?.startsWith('  ') ? `${file}: invalid experiment (${count}):\n${lines.join('\n')}` : lines.join('\n');
}

/** Where the loss is, for messages: its file, `x.optim.json: loss.source`, or the experiment file. */
function lossWhere(file: string, experiment: Experiment): string {
  const loss = experiment.loss;
  return 'file' in loss ? path.relative(process.cwd(), path.resolve(path.dirname(file), loss.file)) || loss.file
    : 'source' in loss ? `${file}: loss.source` : file;
}

/** A loss error as `file:line:column: message` per diagnostic, or `where: message`. */
export function describeLossError(file: string, experiment: Experiment, e: LossError): string {
  const where = lossWhere(file, experiment);
  const diagnostics = (e.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (diagnostics.length > 0) return diagnostics.map((d) => `${where}:${d.line}:${d.column}: ${d.message}`).join('\n');
  return `${where}: ${e.message}`;
}

/** The experiment file, parsed and validated (usage error when unreadable, ExperimentError when invalid). */
async function readExperiment(file: string): Promise<Experiment> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${file}` : code === 'EISDIR' ? `${file} is a directory, not an experiment file`
      : `cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = parseExperiment(text);
  if (!parsed.ok) throw new ExperimentError(describeIssues(file, parsed.issues));
  return parsed.experiment;
}

async function run(command: Extract<Command, { kind: 'run' }>): Promise<void> {
  const file = command.file;
  const experiment = await readExperiment(file);

  // Loaded only now: the snippet room brings the TypeScript compiler, which --help does not need.
  const { startExperiment } = await import('../snippet/session.js');
  const session = startExperiment(experiment, { baseDir: path.dirname(path.resolve(file)) });
  const enabled = experiment.runs.filter((r) => r.enabled !== false).length;
  const progress = new ProgressBar(enabled * (experiment.steps + 1));
  // Events that arrive before the loss's dimension is known wait here.
  const sink: { collector?: ResultCollector; early: RunnerEvent[] } = { early: [] };
  session.onEvent((event) => {
    if (!sink.collector) {
      sink.early.push(event);
      return;
    }
    sink.collector.handle(event);
    progress.update(sink.collector.received);
  });
  const stop = (): void => {
    progress.clear();
    session.cancel();
    process.stderr.write(`${NAME}: interrupted\n`);
    process.exit(130);
  };
  process.once('SIGINT', stop);

  let info: SessionInfo;
  try {
    info = await session.info;
  } catch (e) {
    session.cancel();
    throw isLossError(e) ? new ExperimentError(describeLossError(file, experiment, e)) : e;
  }
  const warning = gradientWarning(info.gradient, lossWhere(file, experiment));
  if (warning) process.stderr.write(`${warning}\n`);
  const collector = new ResultCollector(experiment.runs, info.dim, experiment.curvature === true);
  for (const event of sink.early) collector.handle(event);
  sink.collector = collector;

  // Ask for the surface under the paths while the worker runs (it may be gone once runs end).
  const grid = command.outDir && info.dim === 2 && info.domain ? surfaceGrid(info.domain, SURFACE_RESOLUTION) : undefined;
  const surfaceRequest = grid
    ? session.surface({ xs: grid.xs, ys: grid.ys, at: info.init, dims: [0, 1] }).catch(() => undefined)
    : undefined;
  // A loss that fails mid-run (a timeout, a memory limit) ends the runs still going as errors.
  let failure: string | undefined;
  try {
    await session.done;
  } catch (e) {
    failure = isLossError(e) ? describeLossError(file, experiment, e) : (e as Error).message;
  }
  const surfaceValues = surfaceRequest ? await surfaceRequest : undefined;
  progress.clear();
  for (const r of collector.runs) {
    if (r.status === 'running' && failure !== undefined) {
      r.status = 'error';
      r.message = failure;
    }
  }
  collector.finish();

  if (command.output === 'json') await writeJson(new ChunkedWriter(process.stdout), collector.runs, info.gradient);
  else {
    process.stdout.write(`${experiment.title ? `${experiment.title}\n\n` : ''}${summaryTable(collector.runs)}`
      + `${gradientLine(info.gradient, lossWhere(file, experiment))}\n`);
  }

  if (command.outDir) {
    const written = await writeOutDir(command.outDir, {
      experiment, info, runs: collector.runs,
      surface: async (xs, ys) => {
        if (grid && surfaceValues && xs.length === grid.xs.length && xs[0] === grid.xs[0] && ys[0] === grid.ys[0]) return surfaceValues;
        return session.surface({ xs, ys, at: info.init, dims: [0, 1] }).catch(() => undefined);
      },
    });
    process.stderr.write(`wrote ${written.length} files to ${command.outDir}: ${written.join(', ')}\n`);
  }
  session.cancel();
  process.removeListener('SIGINT', stop);
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseArgs(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
    } else if (command.kind === 'version') {
      process.stdout.write(`${packageJson.version}\n`);
    } else if (command.kind === 'pytorch') {
      const { pytorchCommand } = await import('./pytorch.js');
      const { script, warnings } = await pytorchCommand(command.file, await readExperiment(command.file));
      for (const w of warnings) process.stderr.write(`${w}\n`);
      process.stdout.write(script);
    } else {
      await run(command);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${NAME}: ${e.message}\nUsage: ${NAME} run <file.optim.json> [--json | --summary] [--out DIR] | pytorch <file.optim.json>   (--help for more)\n`);
      return 2;
    }
    if (e instanceof ExperimentError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    const message = e instanceof Error ? e.message : isLossError(e) ? e.message : String(e);
    process.stderr.write(`${NAME}: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  // A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
