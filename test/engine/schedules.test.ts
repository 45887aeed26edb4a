/**
 * Learning-rate schedules (values at their landmarks) and the eager validation of schedules and
 * clipping, including property-based checks with random and hostile values.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateClip } from '../../src/engine/clip';
import { createSchedule, SCHEDULES, validateSchedule } from '../../src/engine/schedules';
import type { ScheduleSpec } from '../../src/engine/types';

const close = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);

describe('learning-rate schedules', () => {
  it('constant (and no schedule) keep the base rate', () => {
    for (const s of [createSchedule(undefined, 0.3, 10), createSchedule({ type: 'constant' }, 0.3, 10)]) {
      assert.deepEqual([0, 1, 99].map(s), [0.3, 0.3, 0.3]);
    }
  });

  it('step multiplies by γ every stepSize updates (StepLR), γ = 0.1 by default', () => {
    const s = createSchedule({ type: 'step', stepSize: 3 }, 1, 100);
    assert.deepEqual([0, 2, 3, 5, 6].map(s), [1, 1, 0.1, 0.1, 0.1 ** 2]);
    const h = createSchedule({ type: 'step', stepSize: 2, gamma: 0.5 }, 0.8, 100);
    assert.deepEqual([0, 1, 2, 4].map(h), [0.8, 0.8, 0.4, 0.2]);
  });

  it('exponential multiplies by γ every update (ExponentialLR)', () => {
    const s = createSchedule({ type: 'exponential', gamma: 0.5 }, 2, 100);
    assert.deepEqual([0, 1, 2, 3].map(s), [2, 1, 0.5, 0.25]);
  });

  it('cosine warms up linearly from 0, peaks at the base rate, decays to minLr by `steps` and stays', () => {
    const s = createSchedule({ type: 'cosine', steps: 110, warmup: 10, minLr: 0.01 }, 1, 110);
    assert.equal(s(0), 0);
    close(s(5), 0.5, 'mid warmup');
    assert.equal(s(10), 1);
    close(s(60), 0.01 + 0.99 * 0.5, 'half way down');
    close(s(110), 0.01, 'end');
    close(s(500), 0.01, 'after the end');
    for (let c = 10; c < 110; c++) assert.ok(s(c + 1) <= s(c), `decreasing at ${c}`);
    const plain = createSchedule({ type: 'cosine', steps: 100 }, 2, 100);
    assert.equal(plain(0), 2);
    close(plain(100), 0, 'no warmup, minLr 0');
  });

  it('linearWarmup rises from startFactor·lr to lr (LinearLR) and stays', () => {
    const s = createSchedule({ type: 'linearWarmup', warmup: 4, startFactor: 0.2 }, 1, 100);
    close(s(0), 0.2, 'start');
    close(s(2), 0.6, 'middle');
    assert.equal(s(4), 1);
    assert.equal(s(100), 1);
    assert.equal(createSchedule({ type: 'linearWarmup', warmup: 4 }, 1, 100)(0), 0);
  });

  it('oneCycle follows OneCycleLR: maxLr/div → maxLr at pctStart·steps − 1 → maxLr/(div·finalDiv) at steps − 1', () => {
    const s = createSchedule({ type: 'oneCycle', steps: 101 }, 0.5, 101);
    close(s(0), 0.5 / 25, 'start');
    // end of the rise: 0.3·101 − 1 = 29.3, so the peak falls between updates 29 and 30.
    assert.ok(s(29) < 0.5 && s(30) < 0.5 && s(29) > 0.49 && s(30) > 0.49);
    close(s(100), 0.5 / 25 / 1e4, 'end');
    close(s(1000), 0.5 / 25 / 1e4, 'after the end');
    const t = createSchedule({ type: 'oneCycle', steps: 11, pctStart: 0.5, maxLr: 2, divFactor: 10, finalDivFactor: 100 }, 0.1, 11);
    close(t(0), 0.2, 'start at maxLr/div');
    close(t(4.5), 2, 'peak at pctStart·steps − 1');
    close(t(10), 0.002, 'end at maxLr/(div·finalDiv)');
  });

  it('every registered type builds finite, positive rates (after warmup) from valid specs', () => {
    const examples: Record<ScheduleSpec['type'], ScheduleSpec> = {
      constant: { type: 'constant' },
      step: { type: 'step', stepSize: 5 },
      exponential: { type: 'exponential', gamma: 0.9 },
      cosine: { type: 'cosine', steps: 50, warmup: 5 },
      linearWarmup: { type: 'linearWarmup', warmup: 5, startFactor: 0.1 },
      oneCycle: { type: 'oneCycle', steps: 50 },
    };
    for (const { type } of SCHEDULES) {
      const spec = examples[type];
      assert.deepEqual(validateSchedule(spec, 'schedule'), [], type);
      const s = createSchedule(spec, 0.1, 50);
      for (let c = 5; c < 49; c++) assert.ok(Number.isFinite(s(c)) && s(c) > 0, `${type} at ${c}: ${s(c)}`);
    }
  });
});

describe('validateSchedule', () => {
  const issues = (raw: unknown) => validateSchedule(raw, 'runs[1].schedule');

  it('accepts valid schedules', () => {
    for (const raw of [
      { type: 'constant' }, { type: 'step', stepSize: 10 }, { type: 'step', stepSize: 1, gamma: 0.5 },
      { type: 'exponential', gamma: 0.99 }, { type: 'cosine', steps: 100, warmup: 100, minLr: 0 },
      { type: 'linearWarmup', warmup: 3, startFactor: 1 },
      { type: 'oneCycle', steps: 10, maxLr: 1, pctStart: 0.5, divFactor: 10, finalDivFactor: 1 },
    ]) assert.deepEqual(issues(raw), [], JSON.stringify(raw));
  });

  it('refuses non-objects and a missing or unknown type, with "did you mean"', () => {
    assert.deepEqual(issues(null).map((i) => i.path), ['runs[1].schedule']);
    assert.deepEqual(issues([1]).map((i) => i.path), ['runs[1].schedule']);
    assert.deepEqual(issues('cosine').map((i) => i.path), ['runs[1].schedule']);
    assert.deepEqual(issues({ steps: 10 }).map((i) => i.path), ['runs[1].schedule.type']);
    const [typo] = issues({ type: 'cosin', steps: 10 });
    assert.equal(typo.path, 'runs[1].schedule.type');
    assert.match(typo.message, /unknown schedule type "cosin" — did you mean "cosine"\?/);
    assert.match(issues({ type: 42 })[0].message, /unknown schedule type 42/);
  });

  it('names each bad field by its path, with the reason', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ type: 'step' }, 'runs[1].schedule.stepSize', /is required/],
      [{ type: 'step', stepSize: 0 }, 'runs[1].schedule.stepSize', /integer ≥ 1, got 0/],
      [{ type: 'step', stepSize: 2.5 }, 'runs[1].schedule.stepSize', /integer ≥ 1, got 2.5/],
      [{ type: 'step', stepSize: '10' }, 'runs[1].schedule.stepSize', /got "10"/],
      [{ type: 'step', stepSize: 2, gamma: 0 }, 'runs[1].schedule.gamma', /> 0, got 0/],
      [{ type: 'exponential', gamma: Number.NaN }, 'runs[1].schedule.gamma', /got NaN/],
      [{ type: 'exponential', gamma: Infinity }, 'runs[1].schedule.gamma', /got Infinity/],
      [{ type: 'cosine', steps: 10, warmup: 11 }, 'runs[1].schedule.warmup', /must not exceed steps/],
      [{ type: 'cosine', steps: 10, minLr: -1 }, 'runs[1].schedule.minLr', /≥ 0, got -1/],
      [{ type: 'linearWarmup', warmup: 5, startFactor: 1.5 }, 'runs[1].schedule.startFactor', /≤ 1, got 1.5/],
      [{ type: 'oneCycle', steps: 10, pctStart: 1 }, 'runs[1].schedule.pctStart', /< 1, got 1/],
      [{ type: 'oneCycle', steps: 3, pctStart: 0.2 }, 'runs[1].schedule.pctStart', /empty phase/],
      [{ type: 'oneCycle', steps: 10, maxLr: 0 }, 'runs[1].schedule.maxLr', /> 0, got 0/],
      [{ type: 'oneCycle', steps: 10, divFactor: 1e-300 }, 'runs[1].schedule.divFactor', /≥ 1, got 1e-300/],
      [{ type: 'oneCycle', steps: 10, finalDivFactor: 0.5 }, 'runs[1].schedule.finalDivFactor', /≥ 1, got 0.5/],
      [{ type: 'cosine', steps: 10, warmpu: 2 }, 'runs[1].schedule.warmpu', /unknown field for a "cosine" schedule — did you mean "warmup"\?/],
      [{ type: 'constant', gamma: 0.5 }, 'runs[1].schedule.gamma', /it has no fields/],
    ];
    for (const [raw, path, message] of cases) {
      const found = issues(raw);
      assert.ok(found.some((i) => i.path === path && message.test(i.message)),
        `${JSON.stringify(raw)}: expected ${path} ${message}, got ${JSON.stringify(found)}`);
    }
  });

  it('never throws on random or hostile values, and what it accepts builds a finite schedule', () => {
    const hostile = fc.oneof(
      fc.anything(),
      fc.record({
        type: fc.oneof(fc.constantFrom(...SCHEDULES.map((s) => s.type), 'Cosine', '', '__proto__', 'toString'), fc.anything()),
        steps: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double(), fc.anything()),
        stepSize: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
        gamma: fc.oneof(fc.double(), fc.constant(0.5)),
        warmup: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double()),
        minLr: fc.double(),
        startFactor: fc.double(),
        maxLr: fc.double(),
        pctStart: fc.double(),
        divFactor: fc.double(),
        finalDivFactor: fc.double(),
      }, { requiredKeys: ['type'] }),
    );
    fc.assert(fc.property(hostile, (raw) => {
      const found = validateSchedule(raw, 's');
      assert.ok(Array.isArray(found));
      for (const i of found) assert.ok(i.path.startsWith('s') && i.message.length > 0);
      if (found.length === 0) {
        const s = createSchedule(raw as ScheduleSpec, 0.01, 100);
        for (const c of [0, 1, 50, 99, 100]) {
          const v = s(c);
          // Growth (γ > 1) is allowed (a learning-rate range test) and may overflow far out: a run
          // then diverges, which the runner reports. A rate is never negative or NaN.
          const t = (raw as ScheduleSpec).type;
          assert.ok(v >= 0 && (Number.isFinite(v) || t === 'exponential' || t === 'step'), `${JSON.stringify(raw)} at ${c}: ${v}`);
        }
      }
    }), { numRuns: 2000 });
  });
});

describe('validateClip', () => {
  const issues = (raw: unknown) => validateClip(raw, 'runs[0].clip');

  it('accepts {norm} or {value}, positive and finite', () => {
    assert.deepEqual(issues({ norm: 1 }), []);
    assert.deepEqual(issues({ value: 0.5 }), []);
  });

  it('refuses the rest with the path and the reason', () => {
    const cases: [unknown, string, RegExp][] = [
      [null, 'runs[0].clip', /must be an object/],
      [5, 'runs[0].clip', /must be an object/],
      [{}, 'runs[0].clip', /needs "norm" or "value"/],
      [{ norm: 1, value: 1 }, 'runs[0].clip', /not both/],
      [{ norm: 0 }, 'runs[0].clip.norm', /> 0, got 0/],
      [{ value: -1 }, 'runs[0].clip.value', /> 0, got -1/],
      [{ norm: Infinity }, 'runs[0].clip.norm', /got Infinity/],
      [{ norm: '1' }, 'runs[0].clip.norm', /got "1"/],
      [{ nrom: 1 }, 'runs[0].clip.nrom', /unknown field/],
    ];
    for (const [raw, path, message] of cases) {
      const found = issues(raw);
      assert.ok(found.some((i) => i.path === path && message.test(i.message)),
        `${JSON.stringify(raw)}: expected ${path} ${message}, got ${JSON.stringify(found)}`);
    }
  });

  it('never throws, and accepts only a single positive finite norm or value', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.record({ norm: fc.anything(), value: fc.anything() }, { requiredKeys: [] })), (raw) => {
      const found = issues(raw);
      if (found.length === 0) {
        const r = raw as Record<string, unknown>;
        const keys = Object.keys(r);
        assert.equal(keys.length, 1);
        const v = r[keys[0]];
        assert.ok(typeof v === 'number' && Number.isFinite(v) && v > 0);
      }
    }), { numRuns: 2000 });
  });
});
