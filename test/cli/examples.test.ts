import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseExperiment } from '../../src/engine/experiment';
import { repoPath } from '../repoRoot';

function load(name: string) {
  const result = parseExperiment(readFileSync(repoPath('examples', name), 'utf8'));
  assert.ok(result.ok, `${name}: ${JSON.stringify(!result.ok && result.issues)}`);
  return result.experiment;
}

describe('examples: the story of gradient descent and its tweaks, retold', () => {
  it('every example is a valid experiment, and loss files exist', () => {
    const files = readdirSync(repoPath('examples')).filter((f) => f.endsWith('.optim.json'));
    assert.ok(files.length >= 3);
    for (const f of files) {
      const e = load(f);
      if ('file' in e.loss) assert.ok(existsSync(path.join(repoPath('examples'), e.loss.file)), `${f}: ${e.loss.file}`);
    }
  });

  it('gd-tweaks: gradient descent, weight decay, momentum and Adam on the simple problem, in mini-batches', () => {
    const e = load('gd-tweaks.optim.json');
    assert.deepEqual(e.loss, { preset: 'linear-regression' });
    assert.ok((e.batchSize ?? 0) > 0);
    const kinds = e.runs.map((r) => `${r.optimizer}${r.hyperparameters.weightDecay ? '+wd' : ''}`);
    for (const k of ['gd', 'gd+wd', 'momentum', 'adam']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);
  });

  it('adam-learning-rates: Adam at several learning rates, η = 0.1 among them', () => {
    const e = load('adam-learning-rates.optim.json');
    assert.ok(e.runs.every((r) => r.optimizer === 'adam'));
    const rates = e.runs.map((r) => r.hyperparameters.lr);
    assert.ok(rates.length >= 3 && rates.includes(0.1), rates.join(', '));
  });

  it('fair-comparison: the ravine\'s optimizers, each tuned on its learning rate before it runs', () => {
    const e = load('fair-comparison.optim.json');
    assert.deepEqual(e.loss, { file: 'ravine.ts' });
    assert.deepEqual(e.runs.map((r) => r.optimizer), ['gd', 'momentum', 'adam', 'rmsprop']);
    assert.ok(e.runs.every((r) => r.tune && Object.keys(r.tune).includes('lr')), 'every run tunes η');
  });

  it('snippet-ravine: a loss written in TypeScript, by file', () => {
    const e = load('snippet-ravine.optim.json');
    assert.deepEqual(e.loss, { file: 'ravine.ts' });
    assert.match(readFileSync(repoPath('examples', 'ravine.ts'), 'utf8'), /export default function loss/);
  });
});
