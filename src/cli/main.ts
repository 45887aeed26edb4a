/**
 * `optimizer-playground`: runs an experiment file headless and reports the runs, or prints it as a
 * PyTorch script (DESIGN "Command-line contract"). Every experiment, preset or snippet, runs through the snippet
 * room's `startExperiment`, the same runner the panel uses.
 *
 * Exit status: 0 the experiment ran (diverged runs are results), 1 the experiment is invalid, its
 * loss cannot be compiled or its output cannot be written, 2 usage error (including an experiment
 * file that cannot be read). Errors are one readable message on stderr, never a stack trace; the
 * process never ends before it has done what it was asked (`run.ts` holds it open while it works).
 */
import packageJson from '../../package.json';
import { parseArgs, USAGE, UsageError } from './args';
import { CliError, readExperiment, runCommand } from './run';
import { mark } from '../snippet/startupTrace';
import { terminalText } from './text';

const NAME = 'optimizer-playground';

export async function main(argv: readonly string[]): Promise<number> {
  mark('cli main');
  try {
    const command = parseArgs(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
    } else if (command.kind === 'version') {
      process.stdout.write(`${packageJson.version}\n`);
    } else if (command.kind === 'pytorch') {
      const { pytorchCommand } = await import('./pytorch.js');
      const { script, warnings } = await pytorchCommand(command.file, await readExperiment(command.file, false));
      for (const w of warnings) process.stderr.write(`${terminalText(w.slice(0, 1000))}\n`);
      process.stdout.write(script);
    } else {
      await runCommand(command);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${NAME}: ${e.message}\nUsage: ${NAME} run <file.optim.json> [--json | --summary] [--out DIR] | pytorch <file.optim.json>   (--help for more)\n`);
      return 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    // Not ours to format (a bug): one line, escaped, without the stack.
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${NAME}: ${terminalText(message.slice(0, 500))}\n`);
    return 1;
  }
}

if (require.main === module) {
  // A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  let settled = false;
  // The event loop ran dry while `main` still waited: something it awaited can never come. Say
  // so and fail, rather than end with status 0 having done nothing.
  process.on('beforeExit', () => {
    if (settled) return;
    process.stderr.write(`${NAME}: internal error: the run stopped before it finished (nothing left to wait for)\n`);
    process.exit(1);
  });
  void main(process.argv.slice(2)).then((code) => {
    settled = true;
    process.exit(code);
  });
}
