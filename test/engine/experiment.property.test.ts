import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { locateIssue, parseExperiment, serializeExperiment, validateExperiment } from '../../src/engine/experiment';
import { OPTIMIZERS, type HyperparameterSpec } from '../../src/engine/hyperparameters';
import { PROBLEMS } from '../../src/engine/problems';

/** Values a careless or hostile file (or caller) might hold. */
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, 1e7, 1e7 + 1, 0.999999999, 1 - 1e-17),
);
const hostileKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  'lr', 'optimizer', 'betas', 'runs', 'loss', 'preset', 'steps', 'sweep', 'schedule', 'clip', 'type', 'norm', ''));
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.anything({ key: hostileKey, values: [hostileNumber, fc.string(), fc.boolean(), fc.constant(null)], maxDepth: 3, withNullPrototype: true, withBoxedValues: true }),
  fc.array(hostileNumber, { maxLength: 5 }),
);

/** What a valid value of a hyperparameter is, written independently of the validator. */
function isValidValue(h: HyperparameterSpec, v: unknown): boolean {
  const inBounds = (x: unknown): boolean => {
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
    const b = h.bounds ?? {};
    if (b.min !== undefined && (b.minExclusive ? !(x > b.min) : !(x >= b.min))) return false;
    if (b.max !== undefined && (b.maxExclusive ? !(x < b.max) : !(x <= b.max))) return false;
    return true;
  };
  if (h.kind === 'boolean') return typeof v === 'boolean';
  if (h.kind === 'number') return inBounds(v);
  return Array.isArray(v) && v.length === 2 && inBounds(v[0]) && inBounds(v[1]);
}

function validNumber(h: HyperparameterSpec): fc.Arbitrary<number> {
  const b = h.bounds ?? {};
  const min = b.min ?? -1e6, max = b.max ?? 1e3;
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: b.minExclusive ?? false, maxExcluded: b.maxExclusive ?? false })
    .map((x) => (x === 0 ? 0 : x));
}
function validValue(h: HyperparameterSpec): fc.Arbitrary<unknown> {
  if (h.kind === 'boolean') return fc.boolean();
  if (h.kind === 'number') return validNumber(h);
  return fc.tuple(validNumber(h), validNumber(h));
}

/** A valid run: an optimizer, some of its hyperparameters, maybe a label, schedule, clip, enabled. */
const validRun = fc.constantFrom(...OPTIMIZERS).chain((o) => fc.record({
  values: fc.subarray(o.hyperparameters.filter((h) => h.name !== 'nesterov')).chain((hs) =>
    fc.tuple(...hs.map((h) => validValue(h).map((v) => [h.name, v] as const)))),
  label: fc.option(fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), { nil: undefined }),
  enabled: fc.option(fc.boolean(), { nil: undefined }),
  schedule: fc.option(fc.oneof(
    fc.integer({ min: 1, max: 1000 }).map((stepSize) => ({ type: 'step', stepSize })),
    fc.double({ min: 0.5, max: 1, noNaN: true, minExcluded: true }).map((gamma) => ({ type: 'exponential', gamma })),
    fc.constant({ type: 'constant' }),
  ), { nil: undefined }),
  clip: fc.option(fc.oneof(fc.double({ min: 1e-3, max: 1e3, noNaN: true }).map((norm) => ({ norm })), fc.double({ min: 1e-3, max: 1e3, noNaN: true }).map((value) => ({ value }))), { nil: undefined }),
}).map(({ values, label, enabled, schedule, clip }) => {
  const run: Record<string, unknown> = { optimizer: o.id, ...Object.fromEntries(values) };
  if (o.id === 'sgd' && (run.momentum as number) > 0 && !run.dampening) run.nesterov = true;
  if (label !== undefined) run.label = label;
  if (enabled !== undefined) run.enabled = enabled;
  if (schedule !== undefined) run.schedule = schedule;
  if (clip !== undefined) run.clip = clip;
  return run;
}));

const validExperiment = fc.record({
  problem: fc.constantFrom(...PROBLEMS),
  runs: fc.array(validRun, { minLength: 1, maxLength: 4 }),
  steps: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  seed: fc.option(fc.integer(), { nil: undefined }),
  batchSize: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  tolerance: fc.option(fc.double({ min: 1e-300, max: 1, noNaN: true }), { nil: undefined }),
  title: fc.option(fc.string(), { nil: undefined }),
  lrSweep: fc.option(fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  initSeed: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 6 }),
}).map((g) => {
  const raw: Record<string, unknown> = { loss: { preset: g.problem.name }, runs: g.runs };
  if (g.steps !== undefined) raw.steps = g.steps;
  if (g.seed !== undefined) raw.seed = g.seed;
  if (g.batchSize !== undefined) raw.batchSize = g.batchSize;
  if (g.tolerance !== undefined) raw.tolerance = g.tolerance;
  if (g.title !== undefined) raw.title = g.title;
  if (g.lrSweep !== undefined) raw.sweep = { lr: g.lrSweep };
  const dim = g.problem.anyDimension ? g.initSeed.length : g.problem.dim;
  raw.init = Array.from({ length: dim }, (_, i) => g.initSeed[i % g.initSeed.length]);
  return raw;
});

/** A value in an assertion message, whatever it is (null-prototype objects have no toString). */
function show(x: unknown): string {
  try { return typeof x === 'object' && x !== null ? JSON.stringify(x) ?? 'object' : String(x); } catch { return typeof x; }
}

/** A deep clone of plain data that keeps `__proto__` keys as own data. */
function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

describe('experiment validation (property-based)', () => {
  it('accepts every valid generated experiment, and it round-trips through serializeExperiment', () => {
    fc.assert(fc.property(validExperiment, (raw) => {
      const result = validateExperiment(raw);
      if (!result.ok) throw new Error(`refused a valid experiment: ${JSON.stringify(result.issues)}\n${JSON.stringify(raw)}`);
      const e = result.experiment;
      const runs = (raw.runs as unknown[]).length * ((raw.sweep as { lr?: unknown[] } | undefined)?.lr?.length ?? 1);
      assert.equal(e.runs.length, runs);
      assert.equal(new Set(e.runs.map((r) => r.label)).size, e.runs.length, 'labels are distinct');
      const again = parseExperiment(serializeExperiment(e));
      assert.ok(again.ok, JSON.stringify(!again.ok && again.issues));
      assert.deepEqual(again.experiment, e);
    }), { numRuns: 150 });
  });

  it('never crashes on hostile values anywhere, and anything it accepts validates again identically', () => {
    fc.assert(fc.property(hostile, (raw) => {
      const result = validateExperiment(raw);
      if (result.ok) assert.deepEqual(validateExperiment(clone(result.experiment)).ok, true);
      else assert.ok(result.issues.length > 0 && result.issues.every((i) => typeof i.path === 'string' && typeof i.message === 'string' && i.message.length > 0));
    }), { numRuns: 500 });
  });

  it('never accepts an invalid hyperparameter value, and names its path', () => {
    const cases = fc.tuple(validExperiment, fc.nat(), fc.nat(), hostile);
    fc.assert(fc.property(cases, ([generated, r, h, value]) => {
      const raw = clone(generated); // generated values are shared with shrinking: never mutate them
      const runs = raw.runs as Record<string, unknown>[];
      const run = runs[r % runs.length];
      const spec = OPTIMIZERS.find((o) => o.id === run.optimizer)!;
      const hp = spec.hyperparameters[h % spec.hyperparameters.length];
      if (value === undefined) return; // an absent value means the default
      run[hp.name] = value;
      if (hp.name === 'momentum' || hp.name === 'dampening') delete run.nesterov;
      if (hp.name === 'nesterov' && value === true) Object.assign(run, { momentum: 0.9, dampening: 0 });
      const result = validateExperiment(raw);
      if (isValidValue(hp, value)) {
        assert.ok(result.ok, `refused a valid ${hp.name} ${show(value)}: ${JSON.stringify(!result.ok && result.issues)}`);
      } else {
        assert.equal(result.ok, false, `accepted ${hp.name} = ${show(value)}`);
        if (!result.ok) assert.ok(result.issues.some((i) => i.path.startsWith(`runs[${r % runs.length}].${hp.name}`)), JSON.stringify(result.issues));
      }
    }), { numRuns: 500 });
  });

  it('never accepts invalid top-level fields: steps, seed, batchSize, tolerance, init', () => {
    const field = fc.constantFrom('steps', 'seed', 'batchSize', 'tolerance', 'init', 'title', 'loss', 'runs', 'sweep');
    const valid: Record<string, (v: unknown) => boolean> = {
      steps: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1e7,
      seed: (v) => Number.isSafeInteger(v),
      batchSize: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
      tolerance: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
    };
    fc.assert(fc.property(validExperiment, field, hostile, (generated, name, value) => {
      if (value === undefined) return;
      const raw = clone(generated);
      raw[name] = value;
      if (name === 'init' && Array.isArray(value)) return; // length rules depend on the preset: covered below
      const result = validateExperiment(raw);
      const shouldAccept = valid[name]?.(value) ?? (name === 'title' ? typeof value === 'string' : undefined);
      if (shouldAccept === true) assert.ok(result.ok, `refused ${name} = ${show(value)}`);
      if (shouldAccept === false || name === 'init') {
        assert.equal(result.ok, false, `accepted ${name} = ${show(value)}`);
        if (!result.ok) assert.ok(result.issues.some((i) => i.path === name || i.path.startsWith(`${name}.`) || i.path.startsWith(`${name}[`)), JSON.stringify(result.issues));
      }
    }), { numRuns: 500 });
  });

  it('refuses a start point with any non-finite entry, or of the wrong length for a fixed-size preset', () => {
    fc.assert(fc.property(fc.array(hostileNumber, { minLength: 1, maxLength: 6 }), fc.constantFrom(...PROBLEMS), (init, problem) => {
      const result = validateExperiment({ loss: { preset: problem.name }, init, runs: [{ optimizer: 'adam' }] });
      const valid = init.every(Number.isFinite) && (problem.anyDimension || init.length === problem.dim);
      assert.equal(result.ok, valid, `${problem.name} init [${init}]`);
    }), { numRuns: 300 });
  });

  it('refuses unknown keys at every level, including __proto__ and constructor, without prototype pollution', () => {
    fc.assert(fc.property(validExperiment, hostileKey, fc.constantFrom('top', 'run', 'loss'), hostile, (raw, key, where, value) => {
      if (value === undefined) return;
      const text = JSON.stringify(raw);
      const target = where === 'top' ? raw : where === 'loss' ? raw.loss as Record<string, unknown> : (raw.runs as Record<string, unknown>[])[0];
      const known = where === 'top' ? ['$schema', 'title', 'loss', 'init', 'steps', 'seed', 'batchSize', 'tolerance', 'runs', 'sweep']
        : where === 'loss' ? ['preset', 'source', 'file']
          : ['optimizer', 'label', 'enabled', 'schedule', 'clip', 'hyperparameters', ...OPTIMIZERS.find((o) => o.id === target.optimizer)!.hyperparameters.map((h) => h.name)];
      if (known.includes(key)) return;
      const hostileRaw = JSON.parse(text) as Record<string, unknown>;
      const t = where === 'top' ? hostileRaw : where === 'loss' ? hostileRaw.loss as Record<string, unknown> : (hostileRaw.runs as Record<string, unknown>[])[0];
      Object.defineProperty(t, key, { value, enumerable: true, configurable: true, writable: true });
      const result = validateExperiment(hostileRaw);
      assert.equal(result.ok, false, `accepted unknown key ${JSON.stringify(key)} at ${where}`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    }), { numRuns: 300 });
  });

  it('handles very long arrays without crashing or accepting too much', () => {
    const long = Array.from({ length: 200_000 }, () => 1);
    const tooLong = validateExperiment({ loss: { preset: 'rastrigin' }, init: long, runs: [{ optimizer: 'adam' }] });
    assert.ok(!tooLong.ok && tooLong.issues.some((i) => i.path === 'init' && /at most 100,000/.test(i.message)));
    const longBad = validateExperiment({ loss: { preset: 'rastrigin' }, init: Array.from({ length: 50_000 }, () => NaN), runs: [{ optimizer: 'adam' }] });
    assert.ok(!longBad.ok && longBad.issues.length <= 10, 'at most 10 issues for one array');
    const manyRuns = validateExperiment({ loss: { preset: 'beale' }, runs: Array.from({ length: 5000 }, () => ({ optimizer: 'adam' })) });
    assert.ok(!manyRuns.ok && manyRuns.issues.some((i) => i.path === 'runs'));
    const wide = validateExperiment({ loss: { preset: 'rastrigin' }, init: Array.from({ length: 100_000 }, (_, i) => i / 1000), runs: [{ optimizer: 'adam' }] });
    assert.ok(wide.ok);
    const hugeText = parseExperiment(`{"loss": {"preset": "beale"}, "runs": [${'{"optimizer": "adam"},'.repeat(3000)}]}`);
    assert.ok(!hugeText.ok && /malformed JSON at line 1, column \d+: .*no trailing commas/.test(hugeText.issues[0].message));
    const deep = parseExperiment('['.repeat(100_000));
    assert.ok(!deep.ok && /malformed JSON at line 1/.test(deep.issues[0].message));
  });

  it('parseExperiment never crashes on arbitrary text and gives positions inside the text', () => {
    const text = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), validExperiment.map((e) => JSON.stringify(e, null, 2)))
      .chain((t) => fc.tuple(fc.constant(t), fc.nat({ max: Math.max(0, t.length) }), fc.string({ maxLength: 3 })))
      .map(([t, at, insert]) => t.slice(0, at) + insert + t.slice(at));
    fc.assert(fc.property(text, (t) => {
      const result = parseExperiment(t);
      const lines = t.split(/\r\n|\r|\n/).length;
      for (const issue of result.ok ? [] : result.issues) {
        const range = locateIssue(t, issue);
        assert.ok(range.line >= 1 && range.line <= lines && range.endLine >= range.line && range.endLine <= lines, `${JSON.stringify(range)} for ${issue.path}`);
      }
      if (!result.ok && result.issues.length === 1 && 'line' in result.issues[0]) {
        const { line, column } = result.issues[0] as unknown as { line: number; column: number };
        assert.ok(line >= 1 && column >= 1 && line <= t.split(/\r\n|\r|\n/).length, `${line}:${column} in ${JSON.stringify(t)}`);
      }
    }), { numRuns: 300 });
  });
});
