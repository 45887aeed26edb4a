// The Getting Started walkthrough: every step's experiment validates, tells the story its page
// tells (run headless on the engine), and every file the walkthrough names exists.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoPath } from '../repoRoot';
import { loadWalkthrough, runWalkthrough, type RunOutcome } from './walkthroughRun';

interface Step { id: string; title: string; description: string; media: { markdown: string }; completionEvents?: string[] }
const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { walkthroughs: { id: string; steps: Step[] }[]; jsonValidation: { fileMatch: string; url: string }[] };
};
const walkthrough = pkg.contributes.walkthroughs.find((w) => w.id === 'optimizerPlayground.gettingStarted');

function experimentOf(step: Step): string {
  const m = /\(command:optimizerPlayground\.openWalkthroughExperiment\?([^)]+)\)/.exec(step.description);
  assert.ok(m, `step ${step.id}: no button opening an experiment`);
  const args = JSON.parse(decodeURIComponent(m[1])) as unknown;
  assert.ok(Array.isArray(args) && typeof args[0] === 'string', `step ${step.id}: command arguments should be ["name"]`);
  return args[0];
}

const byLabel = (runs: RunOutcome[], part: string): RunOutcome => {
  const r = runs.find((x) => x.label.includes(part));
  assert.ok(r, `no run labelled *${part}* in ${runs.map((x) => x.label).join(' | ')}`);
  return r;
};

describe('explain: walkthrough contribution', () => {
  it('has seven steps, from gradient descent to Adam, each with a page and an experiment that exist', () => {
    assert.ok(walkthrough, 'package.json contributes.walkthroughs has no optimizerPlayground.gettingStarted');
    assert.equal(walkthrough.steps.length, 7);
    for (const step of walkthrough.steps) {
      const page = repoPath(step.media.markdown);
      assert.ok(fs.existsSync(page), `step ${step.id}: ${step.media.markdown} is missing`);
      for (const img of fs.readFileSync(page, 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
        assert.ok(fs.existsSync(path.join(path.dirname(page), img[1])), `${step.media.markdown}: image ${img[1]} is missing`);
      }
      const name = experimentOf(step);
      assert.ok(fs.existsSync(repoPath('examples', 'walkthrough', `${name}.optim.json`)), `step ${step.id}: experiment ${name} is missing`);
      // Every step shares the command: each is checked off by the context key its experiment sets.
      assert.deepEqual(step.completionEvents, [`onContext:optimizerPlayground.walkthroughStep${Number(name.slice(0, 2))}`], `step ${step.id}`);
    }
  });
  it('activates for the walkthrough\'s command and the hovers\' languages; validates *.optim.json', () => {
    for (const e of ['onCommand:optimizerPlayground.openWalkthroughExperiment', 'onLanguage:python', 'onLanguage:markdown', 'onLanguage:json']) {
      assert.ok(pkg.activationEvents.includes(e), `activationEvents lacks ${e}`);
    }
    assert.deepEqual(pkg.contributes.jsonValidation.find((v) => v.fileMatch === '*.optim.json'), { fileMatch: '*.optim.json', url: './schemas/optim.schema.json' });
  });
  it('the pages\' pre-rendered formulas are those of the registry (scripts/render-formulas.mjs --check)', () => {
    const r = spawnSync(process.execPath, [repoPath('scripts', 'render-formulas.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  it('every experiment file validates', () => {
    const names = fs.readdirSync(repoPath('examples', 'walkthrough')).filter((f) => f.endsWith('.optim.json'));
    assert.equal(names.length, 7);
    for (const f of names) loadWalkthrough(f.replace('.optim.json', ''));
  });
});

describe('explain: walkthrough experiments tell their story', () => {
  it('1: a too-small rate crawls, a good one converges, a too-large one diverges', () => {
    const runs = runWalkthrough('01-learning-rate');
    const small = byLabel(runs, 'too small'), good = byLabel(runs, 'good'), large = byLabel(runs, 'too large');
    assert.ok(good.finalLoss < 1e-6 && small.finalLoss > 1e-3, `good ${good.finalLoss}, small ${small.finalLoss}`);
    assert.equal(large.status, 'diverged');
  });
  it('2: on the ill-conditioned bowl the smooth GD rate is still far from the minimum', () => {
    const runs = runWalkthrough('02-one-rate-for-all');
    assert.ok(byLabel(runs, 'crawls').finalLoss > 100 * byLabel(runs, 'zig-zags').finalLoss);
  });
  it('3: weight decay ends closer to the origin than the undecayed fit', () => {
    const runs = runWalkthrough('03-weight-decay');
    const norm = (r: RunOutcome): number => Math.hypot(...r.final);
    const plain = byLabel(runs, 'no weight decay');
    for (const r of runs.filter((x) => x !== plain)) assert.ok(norm(r) < norm(plain), `${r.label}: |θ| ${norm(r)} vs ${norm(plain)}`);
  });
  it('4: momentum gets far further down the ravine than GD', () => {
    const runs = runWalkthrough('04-momentum-ravine');
    assert.ok(byLabel(runs, 'classical').finalLoss * 100 < byLabel(runs, 'GD').finalLoss);
  });
  it('5: without bias correction the first step is 1/√(1 − β₂) ≈ 32 times larger', () => {
    const runs = runWalkthrough('05-adam-bias-correction');
    const first = (r: RunOutcome): number => Math.hypot(...r.afterFirst.map((x, i) => x - r.start[i]));
    const corrected = first(byLabel(runs, 'β₁=0')), uncorrected = first(byLabel(runs, 'no bias correction'));
    assert.ok(Math.abs(uncorrected / corrected - 1 / Math.sqrt(1 - 0.999)) < 0.01 * 31.6, `ratio ${uncorrected / corrected}`);
    assert.ok(Math.abs(first(byLabel(runs, 'bias-corrected m̂')) - corrected) < 1e-9, 'Adam and Adam β₁=0 take the same first step');
  });
  it('6: Adam at η = 0.1 ends lowest', () => {
    const runs = runWalkthrough('06-adam-learning-rates');
    assert.equal(runs.length, 3);
    const best = runs.reduce((a, b) => (a.finalLoss < b.finalLoss ? a : b));
    assert.match(best.label, /0\.1/);
  });
  it('5 and 7 run to the end without diverging', () => {
    for (const name of ['05-adam-bias-correction', '07-side-by-side']) {
      for (const r of runWalkthrough(name)) assert.ok(r.status === 'completed' || r.status === 'converged', `${name} ${r.label}: ${r.status}`);
    }
  });
});
