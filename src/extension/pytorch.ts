/**
 * "Copy as PyTorch": an equivalent `torch.optim` script for the panel's runs. Each optimizer maps to
 * its registry `torchClass` with PyTorch's keyword names (`torchName`); the seed's plain gradient
 * descent and its momentum form map to `SGD` (equal under a constant learning rate); Lion has no
 * torch.optim class and uses the lion-pytorch package. Schedules map to `torch.optim.lr_scheduler`, clipping
 * to `clip_grad_norm_`/`clip_grad_value_`.
 */
import { optimizerSpec } from '../engine/hyperparameters';
import type { HyperparameterValue, LossSpec, ScheduleSpec } from '../engine/types';
import type { PanelExperiment, PanelRun } from '../protocol';

/** Python versions of the built-in problems with a closed form (params: a 1-D tensor). */
const PYTHON_LOSSES: Readonly<Record<string, string>> = {
  rosenbrock: 'return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2',
  beale: 'x, y = p[0], p[1]\n    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2',
  himmelblau: 'x, y = p[0], p[1]\n    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2',
  booth: 'x, y = p[0], p[1]\n    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2',
  matyas: 'x, y = p[0], p[1]\n    return 0.26 * (x ** 2 + y ** 2) - 0.48 * x * y',
  saddle: 'return p[0] ** 2 - p[1] ** 2',
  rastrigin: 'return 10 * p.numel() + torch.sum(p ** 2 - 10 * torch.cos(2 * math.pi * p))',
  'styblinski-tang': 'return 0.5 * torch.sum(p ** 4 - 16 * p ** 2 + 5 * p)',
  ackley: ('x, y = p[0], p[1]\n    return (-20 * torch.exp(-0.2 * torch.sqrt(0.5 * (x ** 2 + y ** 2)))'
    + '\n            - torch.exp(0.5 * (torch.cos(2 * math.pi * x) + torch.cos(2 * math.pi * y))) + math.e + 20)'),
};

function py(v: HyperparameterValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `(${v.map((x) => py(x)).join(', ')})`;
  return String(v);
}

function lossFunction(loss: LossSpec, source: string | undefined): string {
  if ('preset' in loss && PYTHON_LOSSES[loss.preset]) return `def loss(p):\n    ${PYTHON_LOSSES[loss.preset]}\n`;
  const what = 'preset' in loss ? `the "${loss.preset}" preset` : 'file' in loss ? loss.file : 'the panel\'s snippet';
  const ts = (source ?? ('source' in loss ? loss.source : '')).split('\n').map((l) => `#   ${l}`).join('\n');
  return `def loss(p):\n    # Port ${what} to PyTorch here (the TypeScript it came from is below).\n${ts ? ts + '\n' : ''}    raise NotImplementedError\n`;
}

function optimizerLine(run: PanelRun, varName: string): string {
  const spec = optimizerSpec(run.optimizer);
  if (!spec) return `# unknown optimizer "${run.optimizer}"`;
  const values = { ...Object.fromEntries(spec.hyperparameters.map((h) => [h.name, h.default])), ...run.hyperparameters };
  const kw = (names?: readonly string[]): string => spec.hyperparameters
    .filter((h) => !names || names.includes(h.name))
    .map((h) => `${h.torchName}=${py(values[h.name] as HyperparameterValue)}`).join(', ');
  if (spec.torchClass) return `${varName} = torch.optim.${spec.torchClass}([p], ${kw()})`;
  if (run.optimizer === 'gd') return `${varName} = torch.optim.SGD([p], ${kw()})  # plain gradient descent`;
  if (run.optimizer === 'momentum') {
    return `${varName} = torch.optim.SGD([p], ${kw()})  # classical momentum (lr inside the velocity) equals SGD momentum under a constant lr`;
  }
  return `from lion_pytorch import Lion  # ${spec.name} has no torch.optim class: pip install lion-pytorch\n${varName} = Lion([p], ${kw()})`;
}

function schedulerLine(s: ScheduleSpec | undefined, steps: number, lr: number): string | undefined {
  if (!s || s.type === 'constant') return undefined;
  const S = 'torch.optim.lr_scheduler';
  switch (s.type) {
    case 'step': return `${S}.StepLR(opt, step_size=${s.stepSize}, gamma=${s.gamma ?? 0.1})`;
    case 'exponential': return `${S}.ExponentialLR(opt, gamma=${s.gamma})`;
    case 'linearWarmup': return `${S}.LinearLR(opt, start_factor=${s.startFactor ?? 1 / 3}, total_iters=${s.warmup})`;
    case 'oneCycle':
      return `${S}.OneCycleLR(opt, max_lr=${s.maxLr ?? lr}, total_steps=${s.steps ?? steps}, pct_start=${s.pctStart ?? 0.3}, `
        + `div_factor=${s.divFactor ?? 25}, final_div_factor=${s.finalDivFactor ?? 1e4}, anneal_strategy="cos", cycle_momentum=False)`;
    case 'cosine': {
      const cos = `${S}.CosineAnnealingLR(opt, T_max=${(s.steps ?? steps) - (s.warmup ?? 0)}, eta_min=${s.minLr ?? 0})`;
      if (!s.warmup) return cos;
      return `${S}.SequentialLR(opt, [${S}.LinearLR(opt, start_factor=1e-8, total_iters=${s.warmup}), ${cos}], milestones=[${s.warmup}])`;
    }
  }
  return `# schedule ${(s as { type: string }).type} has no direct torch equivalent (steps=${steps})`;
}

/** The script: the loss, then one block per enabled run that steps it and prints the final point. */
export function pytorchScript(e: PanelExperiment, init: readonly number[] | undefined, source?: string): string {
  const start = init ?? e.init;
  const out: string[] = [
    '# Generated by Optimizer Playground: the same runs with torch.optim (float64).',
    'import math',
    'import torch',
    '',
    'torch.set_default_dtype(torch.float64)',
    '',
    lossFunction(e.loss, source),
    `STEPS = ${e.steps}`,
    `INIT = [${(start ?? []).join(', ')}]`,
    '',
  ];
  e.runs.forEach((run, i) => {
    if (run.enabled === false) return;
    const lr = Number(run.hyperparameters.lr ?? optimizerSpec(run.optimizer)?.hyperparameters.find((h) => h.name === 'lr')?.default ?? 0.001);
    out.push(`# ${run.label}`);
    out.push('p = torch.tensor(INIT, requires_grad=True)');
    out.push(optimizerLine(run, 'opt'));
    const sched = schedulerLine(run.schedule, e.steps, lr);
    if (sched) out.push(`sched = ${sched}`);
    out.push('for step in range(STEPS):');
    out.push('    opt.zero_grad()');
    out.push('    value = loss(p)');
    out.push('    value.backward()');
    if (run.clip && 'norm' in run.clip) out.push(`    torch.nn.utils.clip_grad_norm_([p], ${run.clip.norm})`);
    if (run.clip && 'value' in run.clip) out.push(`    torch.nn.utils.clip_grad_value_([p], ${run.clip.value})`);
    out.push('    opt.step()');
    if (sched) out.push('    sched.step()');
    out.push(`print(${JSON.stringify(run.label)}, loss(p).item(), p.tolist())  # run ${i}`);
    out.push('');
  });
  return out.join('\n');
}
