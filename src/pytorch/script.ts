/**
 * The PyTorch export (DESIGN "Command-line contract": `optimizer-playground pytorch FILE`, and
 * "Copy as PyTorch" in the panel): a self-contained Python script, torch only, that reproduces
 * every enabled run of an experiment in float64 — the loss translated from its TypeScript (a
 * preset's own source for built-in problems), the start point, the seeded mini-batches, the
 * optimizer, its schedule with the declaration's defaults, clipping, and the runner's stopping
 * rules (converged, diverged) — and prints one JSON line per run:
 * `{"label": "...", "loss": <final loss>, "params": [<final params>]}` (null for a non-finite number).
 */
import { CLIP_FIELDS } from '../engine/clip';
import { getProblem } from '../engine/problems';
import { DIVERGENCE_FACTOR, DIVERGENCE_FLOOR, NOISE_STREAM } from '../engine/runner';
import type { Experiment, RunSpec } from '../engine/types';
import { optimizerFactory, pythonValue } from './optimizers';
import { PRELUDE } from './prelude';
import { SCHEDULE_HELPERS, scheduleFactory } from './schedules';
import { translateSnippet, type Untranslated } from './translate';

export type { Untranslated } from './translate';

export interface PytorchScript {
  readonly script: string;
  /** Constructs of the loss that could not be translated (the script raises there, naming each). */
  readonly untranslated: readonly Untranslated[];
}

const RUNNER = String.raw`def evaluate(p, batch):
    """The loss at p on the examples of batch (indices into DATA), or on all of them (None)."""
    if DATA is None:
        return js_tensor(loss(p))
    return js_tensor(loss(p, DATA if batch is None else [DATA[i] for i in batch]))


def finite(values):
    return all(math.isfinite(v) for v in values)


def run(label, optimizer, scheduler=None, clip=None):
    """Steps one run as the playground's runner does and prints its last point as one JSON line."""
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = optimizer([p])
    sched = scheduler(opt) if scheduler else None
    batched = DATA is not None and BATCH_SIZE is not None and BATCH_SIZE < len(DATA)
    sampler = BatchSampler(len(DATA), BATCH_SIZE, SEED) if batched else None
    noise = Random(stream_seed(SEED, NOISE_STREAM)) if NOISE > 0 else None
    start = None
    value = math.nan
    for step in range(STEPS + 1):
        if not finite(p.tolist()):
            value = math.nan
            break
        opt.zero_grad()
        batch_loss = evaluate(p, sampler.draw() if sampler else None)
        batch_loss.backward()
        if noise:
            with torch.no_grad():
                p.grad.add_(torch.tensor([NOISE * noise.normal() for _ in range(p.numel())], dtype=torch.float64))
        with torch.no_grad():
            value = evaluate(p, None).item() if sampler else batch_loss.item()
        start = value if start is None else start
        if not math.isfinite(value) or value > DIVERGENCE_FACTOR * max(abs(start), DIVERGENCE_FLOOR):
            break  # diverged
        if math.sqrt(sum(g * g for g in p.grad.tolist())) < TOLERANCE:
            break  # converged
        if step == STEPS:
            break
        if clip:
            clip(p)
        opt.step()
        if sched and step + 1 < STEPS:
            sched.step()
    params = [x if math.isfinite(x) else None for x in p.tolist()]
    print(json.dumps({"label": label, "loss": value if math.isfinite(value) else None, "params": params}))`;

/** A Python string literal. */
const str = (s: string): string => JSON.stringify(s);

function runCall(run: RunSpec, steps: number, sources: Set<string>): string {
  const lr = run.hyperparameters.lr as number;
  const schedule = scheduleFactory(run, lr, steps);
  const optimizer = optimizerFactory(run, schedule?.optimizerLr);
  if (optimizer.source) sources.add(optimizer.source);
  if (schedule?.helper) sources.add(SCHEDULE_HELPERS[schedule.helper]);
  const args = [str(run.label), optimizer.factory];
  if (schedule) args.push(`scheduler=${schedule.factory}`);
  if (run.clip) {
    const field = CLIP_FIELDS.find((f) => f.name in run.clip!)!;
    args.push(`clip=lambda p: torch.nn.utils.${field.torchFunction}([p], ${(run.clip as Record<string, number>)[field.name]})`);
  }
  return `    run(${args.join(',\n        ')})`;
}

/**
 * The script for a validated experiment. `source` is the loss's TypeScript for a snippet or a
 * file (a preset's comes from the registry).
 */
export function pytorchScript(experiment: Experiment, source?: string): PytorchScript {
  const loss = experiment.loss;
  const text = 'preset' in loss ? getProblem(loss.preset)?.source : source ?? ('source' in loss ? loss.source : undefined);
  const translation = translateSnippet(text ?? '');
  const untranslated = [...translation.untranslated];
  if (text === undefined) untranslated.push({ construct: 'the loss (its TypeScript was not given)', line: 1, column: 1 });
  const lossName = translation.exports.loss;
  if (!lossName && text !== undefined) untranslated.push({ construct: 'an exported loss function', line: 1, column: 1 });
  const start = experiment.init ? `[${experiment.init.map((x) => pythonValue(x)).join(', ')}]`
    : translation.exports.init ? `[float(x) for x in ${translation.exports.init}]` : 'js_untranslated("a start point (no init in the experiment or the loss)")';

  const sources = new Set<string>();
  const calls = experiment.runs.filter((r) => r.enabled !== false).map((r) => runCall(r, experiment.steps, sources));
  const what = 'preset' in loss ? `the "${loss.preset}" preset` : 'file' in loss ? loss.file : 'the snippet';
  const notes = untranslated.map((u) => `#   line ${u.line}, column ${u.column}: ${u.construct}`);
  const script = [
    `# Generated by Optimizer Playground${experiment.title ? `: ${experiment.title.replace(/\n/g, ' ')}` : ''}.`,
    '# Every run of the experiment with torch.optim in float64, as the playground computed it; prints one',
    '# JSON line per run: {"label": ..., "loss": <final loss>, "params": [<final parameters>]}.',
    PRELUDE,
    '',
    `# --- The loss: ${what}, translated from TypeScript ${'-'.repeat(Math.max(3, 60 - what.length))}`,
    ...(notes.length ? ['# Not translated (each raises NotImplementedError where it stands):', ...notes, ''] : []),
    translation.python,
    ...(lossName && lossName !== 'loss' ? ['', `loss = ${lossName}`] : []),
    ...(!lossName ? ['', 'def loss(*_):', '    js_untranslated("the loss")'] : []),
    '',
    '',
    '# --- The experiment --------------------------------------------------------------------------',
    `STEPS = ${experiment.steps}`,
    `SEED = ${experiment.seed}`,
    `TOLERANCE = ${pythonValue(experiment.tolerance)}`,
    `BATCH_SIZE = ${experiment.batchSize ?? 'None'}`,
    `NOISE = ${pythonValue(experiment.noise ?? 0)}`,
    `NOISE_STREAM = ${NOISE_STREAM}`,
    `DATA = ${translation.exports.data ?? 'None'}`,
    `START = ${start}`,
    `DIVERGENCE_FACTOR = ${pythonValue(DIVERGENCE_FACTOR)}`,
    `DIVERGENCE_FLOOR = ${pythonValue(DIVERGENCE_FLOOR)}`,
    '',
    '',
    ...[...sources].flatMap((s) => [s, '', '']),
    RUNNER,
    '',
    '',
    'def main():',
    ...(calls.length ? calls : ['    pass']),
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  ].join('\n');
  return { script, untranslated };
}
