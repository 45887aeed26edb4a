import * as assert from 'node:assert/strict';
import { optimizerSpec } from '../../src/engine/hyperparameters';
import { STEPS_BOUNDS } from '../../src/engine/experiment';
import {
  formatNumber, parseBounded, parseHyperparameter, parseNumber, parseSweep,
} from '../../src/webview/fieldValidation';

const spec = (opt: string, name: string) => optimizerSpec(opt)!.hyperparameters.find((h) => h.name === name)!;
const message = (r: { ok: boolean; message?: string }): string => (r.ok ? '' : r.message!);

describe('webview/fieldValidation', () => {
  it('parses numbers as people type them and refuses the rest with the reason', () => {
    assert.deepEqual(parseNumber(' 1e-3 ', 'lr'), { ok: true, value: 0.001 });
    assert.deepEqual(parseNumber('-.5', 'x'), { ok: true, value: -0.5 });
    assert.equal(message(parseNumber('', 'lr')), 'lr is empty: enter a number');
    assert.equal(message(parseNumber('0x10', 'lr')), 'lr: "0x10" is not a number');
    assert.equal(message(parseNumber('1,5', 'lr')), 'lr: "1,5" is not a number');
    assert.equal(message(parseNumber('1e999', 'lr')), 'lr: 1e999 is not finite');
  });

  it('refuses hyperparameters outside the registry bounds in the validator\'s words, naming them as experiment files do', () => {
    assert.deepEqual(parseHyperparameter(spec('adam', 'lr'), '0'), { ok: true, value: 0 }, 'lr 0 is allowed, as torch allows it');
    assert.equal(message(parseHyperparameter(spec('adam', 'lr'), '-1')), 'lr must be a number ≥ 0, got -1');
    assert.equal(message(parseHyperparameter(spec('adam', 'betas'), '1', 0)), 'betas[0] must be a number ≥ 0 and < 1, got 1');
    assert.equal(message(parseHyperparameter(spec('sgd', 'momentum'), '-0.1')), 'momentum must be a number ≥ 0 and < 1, got -0.1');
    assert.equal(message(parseHyperparameter(spec('adamw', 'weightDecay'), '-1')), 'weightDecay must be a number ≥ 0, got -1');
    assert.deepEqual(parseHyperparameter(spec('adam', 'betas'), '0.95', 1), { ok: true, value: 0.95 });
    assert.deepEqual(parseBounded('3', 'x', undefined), { ok: true, value: 3 });
  });

  it('refuses non-integers and out-of-range integers', () => {
    assert.deepEqual(parseBounded('200', 'steps', STEPS_BOUNDS, true), { ok: true, value: 200 });
    assert.equal(message(parseBounded('2.5', 'steps', STEPS_BOUNDS, true)), 'steps must be an integer ≥ 1 and ≤ 10,000,000, got 2.5');
    assert.equal(message(parseBounded('0', 'steps', STEPS_BOUNDS, true)), 'steps must be an integer ≥ 1 and ≤ 10,000,000, got 0');
    assert.equal(message(parseBounded('0', 'batchSize', { min: 1 }, true)), 'batchSize must be an integer ≥ 1, got 0');
  });

  it('reads a learning-rate sweep as a list of valid learning rates', () => {
    assert.deepEqual(parseSweep('0.001, 0.01 0.1'), { ok: true, value: [0.001, 0.01, 0.1] });
    assert.deepEqual(parseSweep('   '), { ok: true, value: [] });
    assert.equal(message(parseSweep('0.1, -1')), 'sweep[1] must be a number ≥ 0, got -1');
    assert.equal(message(parseSweep('0.1, x')), 'sweep[1]: "x" is not a number');
    assert.match(message(parseSweep(Array.from({ length: 13 }, () => '0.1').join(','))), /at most 12/);
  });

  it('formats numbers so they read back to the same value', () => {
    for (const v of [0, 1, 0.001, 1e-8, 0.999, 123456, 1e7, -2.5, 1 / 3]) {
      const r = parseNumber(formatNumber(v), 'v');
      assert.ok(r.ok && Math.abs(r.value - v) <= Math.abs(v) * 1e-11, `${v} → ${formatNumber(v)}`);
    }
    assert.equal(formatNumber(1e-8), '1e-8');
    assert.equal(formatNumber(0.001), '0.001');
  });
});
