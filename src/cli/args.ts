/**
 * The command line, parsed by hand (four options do not need a library). A usage error is thrown
 * as `UsageError` and ends the process with status 2 (DESIGN "Command-line contract").
 */

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly file: string; readonly output: 'json' | 'summary'; readonly outDir?: string }
  | { readonly kind: 'pytorch'; readonly file: string };

export class UsageError extends Error {}

export const USAGE = `Usage: optimizer-playground run <file.optim.json> [--json | --summary] [--out DIR]
       optimizer-playground pytorch <file.optim.json>

run: runs every optimizer of an experiment file and reports the results.
pytorch: prints a self-contained PyTorch script (torch only, float64) that reproduces every run
and prints one JSON line per run: {"label", "loss", "params"}.

Options:
  --json       print every point of every run as one JSON object on stdout
  --summary    print one line per run: status, steps, final loss and parameters, steps/s (default)
  --out DIR    write points.csv, runs.json, Vega-Lite charts (*.vl.json) and their SVG renderings
  --help       show this help
  --version    show the version

Exit status: 0 the experiment ran (diverged runs are results), 1 the experiment is invalid
or its loss does not compile, 2 usage error.`;

/** Parses `process.argv.slice(2)`. */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };
  const positional: string[] = [];
  let output: 'json' | 'summary' | undefined;
  let outDir: string | undefined;
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
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length === 0) throw new UsageError('missing command: run <file.optim.json>');
  const [command, file, ...extra] = positional;
  if (command !== 'run' && command !== 'pytorch') throw new UsageError(`unknown command "${command}" (the commands are: run <file.optim.json>, pytorch <file.optim.json>)`);
  if (!file) throw new UsageError(`${command} needs an experiment file: ${command} <file.optim.json>`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (command === 'pytorch') {
    if (output || outDir !== undefined) throw new UsageError('pytorch takes no options: pytorch <file.optim.json>');
    return { kind: 'pytorch', file };
  }
  return { kind: 'run', file, output: output ?? 'summary', ...(outDir !== undefined ? { outDir } : {}) };
}
