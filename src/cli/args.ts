/**
 * The command line, parsed by hand (four options do not need a library). A usage error is thrown
 * as `UsageError` and ends the process with status 2 (DESIGN "Command-line contract").
 */
import { DEFAULT_MEMORY_BYTES } from '../points/store';
import { ISSUE_LIMIT, MESSAGE_LIMIT, terminalText } from './text';

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly file: string; readonly output: 'json' | 'summary'; readonly outDir?: string;
      readonly fullMessages?: true }
  | { readonly kind: 'pytorch'; readonly file: string };

export class UsageError extends Error {}

/** An argument quoted in a message: escaped, and cut when long. */
function shown(arg: string): string {
  return terminalText(arg.length > 80 ? `${arg.slice(0, 79)}…` : arg);
}

export const USAGE = `Usage: optimizer-playground run <file.optim.json> [--json | --summary] [--out DIR] [--full-messages]
       optimizer-playground pytorch <file.optim.json>

run: runs every optimizer of an experiment file and reports the results. Runs with a \`tune\` are
tuned first, every grid point in sandbox processes in parallel, then run at their best: --json
adds "tuning", --summary a table (as written → score, tuned → score, rank), --out sensitivity.svg
and, for two tuned hyperparameters, phase.svg.
pytorch: prints a self-contained PyTorch script (torch only, float64) that reproduces every run
and prints one JSON line per run: {"label", "loss", "params"}.

Options:
  --json            print every point of every run as one JSON object on stdout
  --summary         print one line per run: status, steps, final loss and parameters, steps/s (default)
  --out DIR         write points.csv, runs.json, Vega-Lite charts (*.vl.json) and their SVG renderings
  --full-messages   print and write messages whole (they are cut at ${MESSAGE_LIMIT} characters otherwise,
                    and at most ${ISSUE_LIMIT} problems of an invalid experiment are listed)
  --help            show this help
  --version         show the version

Points beyond ${DEFAULT_MEMORY_BYTES >> 20} MB are kept in temporary files in $TMPDIR (or /tmp) until they are written.

Exit status: 0 the experiment ran (diverged runs are results), 1 the experiment is invalid,
its loss does not compile, or its output cannot be written, 2 usage error.`;

/** Parses `process.argv.slice(2)`. */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };
  const positional: string[] = [];
  let output: 'json' | 'summary' | undefined;
  let outDir: string | undefined;
  let fullMessages = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json' || arg === '--summary') {
      const mode = arg === '--json' ? 'json' : 'summary';
      if (output && output !== mode) throw new UsageError('--json and --summary cannot be used together');
      output = mode;
    } else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (!value || value.startsWith('--')) throw new UsageError('--out needs a directory: --out DIR');
      outDir = value;
    } else if (arg === '--full-messages') {
      fullMessages = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${shown(arg)}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length === 0) throw new UsageError('missing command: run <file.optim.json>');
  const [command, file, ...extra] = positional;
  if (command !== 'run' && command !== 'pytorch') throw new UsageError(`unknown command "${shown(command as string)}" (the commands are: run <file.optim.json>, pytorch <file.optim.json>)`);
  if (!file) throw new UsageError(`${command} needs an experiment file: ${command} <file.optim.json>`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${shown(extra[0] as string)}"`);
  if (command === 'pytorch') {
    if (output || outDir !== undefined || fullMessages) throw new UsageError('pytorch takes no options: pytorch <file.optim.json>');
    return { kind: 'pytorch', file };
  }
  return { kind: 'run', file, output: output ?? 'summary', ...(outDir !== undefined ? { outDir } : {}), ...(fullMessages ? { fullMessages } : {}) };
}
