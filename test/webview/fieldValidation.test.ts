import * as assert from 'node:assert/strict';
import { optimizerSpec } from '../../src/engine/hyperparameters';
import {
  describeBounds, formatNumber, parseBounded, parseHyperparameter, parseInteger, parseNumber, parseSweep,
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

  it('describes registry bounds the way people read intervals', () => {
    assert.equal(describeBounds({ min: 0, minExclusive: true }), '> 0');
    assert.equal(describeBounds({ min: 0 }), '≥ 0');
    assert.equal(describeBounds({ min: 0, max: 1, maxExclusive: true }), 'in [0, 1)');
    assert.equal(describeBounds({ min: 0, max: 1 }), 'in [0, 1]');
  });

  it('refuses hyperparameters outside the registry bounds, naming them as experiment files do', () => {
    assert.equal(message(parseHyperparameter(spec('adam', 'lr'), '0')), 'lr must be > 0, got 0');
    assert.equal(message(parseHyperparameter(spec('adam', 'betas'), '1', 0)), 'betas[0] must be in [0, 1), got 1');
    assert.equal(message(parseHyperparameter(spec('sgd', 'momentum'), '-0.1')), 'momentum must be in [0, 1), got -0.1');
    assert.equal(message(parseHyperparameter(spec('adamw', 'weightDecay'), '-1')), 'weightDecay must be ≥ 0, got -1');
    assert.deepEqual(parseHyperparameter(spec('adam', 'betas'), '0.95', 1), { ok: true, value: 0.95 });
    assert.deepEqual(parseBounded('3', 'x', undefined), { ok: true, value: 3 });
  });

  it('refuses non-integers and out-of-range integers', () => {
    assert.deepEqual(parseInteger('200', 'steps', 1, 10_000_000), { ok: true, value: 200 });
    assert.equal(message(parseInteger('2.5', 'steps', 1)), 'steps must be a whole number, got 2.5');
    assert.equal(message(parseInteger('0', 'steps', 1, 10_000_000)), 'steps must be in [1, 10000000], got 0');
    assert.equal(message(parseInteger('0', 'batchSize', 1)), 'batchSize must be ≥ 1, got 0');
  });

  it('reads a learning-rate sweep as a list of positive numbers', () => {
    assert.deepEqual(parseSweep('0.001, 0.01 0.1'), { ok: true, value: [0.001, 0.01, 0.1] });
    assert.deepEqual(parseSweep('   '), { ok: true, value: [] });
    assert.equal(message(parseSweep('0.1, -1')), 'sweep[1] must be > 0, got -1');
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
