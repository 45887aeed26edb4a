/**
 * Hostile suite, the host's side of the channel: a sandbox process taken over by its loss could
 * send anything. The host refuses a frame longer than its limit as soon as the length is read,
 * points (or runs' summaries) that do not continue a run where it stood (so no run gets more points
 * than the experiment has steps), and cuts every text it is sent to its limits.
 */
import * as assert from 'node:assert/strict';
import { encodeFrame, FrameReader } from '../../src/snippet/channel';
import { checkInfo, checkLossError, checkNotice } from '../../src/snippet/checkMessages';
import { EventRelay } from '../../src/snippet/eventRelay';
import type { RunSummaryEntry } from '../../src/engine/runSummary';
import type { PointBatch, RunnerEvent } from '../../src/engine/types';
import { experiment as validated } from '../engine/helpers';

function batch(run: number, fromStep: number, count: number, dim = 2): PointBatch {
  return { run, fromStep, count, loss: new Float64Array(count), params: new Float64Array(count * dim), gradNorm: new Float64Array(count), lr: new Float64Array(count) };
}

describe('hostile: what the host accepts from a sandbox process', () => {
  it('refuses a frame longer than the limit from its header, before buffering it', () => {
    const errors: string[] = [], messages: unknown[] = [];
    const reader = new FrameReader({ maxFrameBytes: 1024, onMessage: (m) => messages.push(m), onError: (e) => errors.push(e) });
    reader.push(encodeFrame({ type: 'alive' }));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xffffffff, 0);
    reader.push(header);
    reader.push(Buffer.alloc(4096));
    assert.deepEqual(messages, [{ type: 'alive' }]);
    assert.deepEqual(errors, ['a message of 4294967295 bytes (more than the 1024 allowed)']);
  });

  it('decodes frames split anywhere, and refuses one that does not decode', () => {
    const messages: unknown[] = [], errors: string[] = [];
    const reader = new FrameReader({ maxFrameBytes: 1 << 20, onMessage: (m) => messages.push(m), onError: (e) => errors.push(e) });
    const bytes = Buffer.concat([encodeFrame({ a: Float64Array.of(1, 2) }), encodeFrame('two')]);
    for (let k = 0; k < bytes.length; k += 3) reader.push(bytes.subarray(k, k + 3));
    assert.deepEqual(messages, [{ a: Float64Array.of(1, 2) }, 'two']);
    const garbage = Buffer.alloc(12, 0xff);
    garbage.writeUInt32BE(8, 0);
    reader.push(garbage);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^a message that does not decode/);
  });

  it('relays only points that continue each run, within the experiment\'s steps', () => {
    const relay = new EventRelay(validated({ loss: { preset: 'booth' }, steps: 10, runs: [{ optimizer: 'sgd', lr: 0.1 }, { optimizer: 'sgd', lr: 0.1, enabled: false }] }));
    relay.dim = 2;
    const seen: RunnerEvent[] = [];
    relay.listen((e) => seen.push(e));
    assert.equal(relay.accept([{ type: 'points', batches: [batch(0, 0, 4)] }]), undefined);
    assert.equal(relay.accept([{ type: 'points', batches: [batch(0, 5, 1)] }]), 'points of run 0 from step 5, not 4');
    assert.equal(relay.accept([{ type: 'points', batches: [batch(0, 4, 8)] }]), 'a batch of run 0 with a wrong count');
    assert.equal(relay.accept([{ type: 'points', batches: [batch(1, 0, 1)] }]), 'points of a run that is not going');
    assert.equal(relay.accept([{ type: 'points', batches: [{ ...batch(0, 4, 2), params: new Float64Array(1) }] }]), 'a batch of run 0 with missing columns');
    assert.equal(relay.accept([{ type: 'done' }]), 'the end before every run ended');
    assert.equal(relay.accept([{ type: 'runEnd', run: 0, status: 'pwned', steps: 3 }]), 'a run end with an unknown status');
    assert.equal(relay.accept([{ type: 'runEnd', run: 0, status: 'completed', steps: 3, message: `x\n${'y'.repeat(5000)}` }, { type: 'done' }]), undefined);
    assert.equal(relay.accept([{ type: 'done' }]), 'events after the end');
    assert.deepEqual(seen.map((e) => e.type), ['points', 'runEnd', 'done']);
    const end = seen[1] as Extract<RunnerEvent, { type: 'runEnd' }>;
    assert.equal(end.message?.length, 1000);
    assert.ok(end.message?.startsWith('x\\ny'));
  });

  it('relays only summaries (StartOptions.summaryOnly) that go on where each run stood, well formed, texts cut', () => {
    const relay = new EventRelay(validated({ loss: { preset: 'booth' }, steps: 10, runs: [{ optimizer: 'sgd', lr: 0.1 }, { optimizer: 'sgd', lr: 0.1, enabled: false }] }));
    relay.dim = 2;
    const seen: RunSummaryEntry[] = [];
    relay.listenSummaries((s) => seen.push(s));
    const summary = (run: number, count: number): RunSummaryEntry => ({
      run, count, finalLoss: 1, finalParams: Float64Array.of(1, 2), minLoss: 1, maxFiniteLoss: 3, lastFiniteLoss: 1, lastCurvature: NaN,
    });
    assert.equal(relay.acceptSummaries([summary(0, 4)]), undefined);
    assert.equal(relay.acceptSummaries([summary(0, 3)]), 'a summary of run 0 with a wrong count');
    assert.equal(relay.acceptSummaries([summary(0, 12)]), 'a summary of run 0 with a wrong count');
    assert.equal(relay.acceptSummaries([summary(1, 1)]), 'the summary of a run that is not going');
    assert.equal(relay.acceptSummaries([{ ...summary(0, 5), finalParams: [1, 2] }]), 'a malformed run summary');
    assert.equal(relay.acceptSummaries([{ ...summary(0, 5), minLoss: '0' }]), 'a malformed run summary');
    assert.equal(relay.acceptSummaries([{ ...summary(0, 5), firstCrossing: { step: 1, measure: 'pwned', value: 1, threshold: 1, message: 'x' } }]), 'a malformed run summary');
    assert.equal(relay.acceptSummaries({ length: 1 }), 'summaries that are not a list');
    const crossing = { step: 2, measure: 'sharpness', value: 30, threshold: 20, message: `c\u001b[2J${'c'.repeat(5000)}`, extra: 'dropped' };
    assert.equal(relay.acceptSummaries([{ ...summary(0, 11), firstCrossing: crossing, convergenceRate: { analytic: 0.5, measured: null, note: 'n'.repeat(5000) } }]), undefined);
    assert.deepEqual(seen.map((s) => s.count), [4, 11]);
    assert.equal(seen[1]?.firstCrossing?.message.length, 500);
    assert.ok(seen[1]?.firstCrossing?.message.startsWith('c\\x1b[2J'));
    assert.equal('extra' in (seen[1]?.firstCrossing ?? {}), false);
    assert.equal(seen[1]?.convergenceRate?.note?.length, 500);
    // The run's ends count from where the summaries left it.
    const ends: RunnerEvent[] = [];
    relay.listen((e) => ends.push(e));
    relay.endRuns('error', 'stopped');
    assert.deepEqual(ends[0], { type: 'runEnd', run: 0, status: 'error', steps: 10, message: 'stopped' });
  });

  it('cuts a fatal error\'s and a notice\'s text, and refuses a malformed info', () => {
    const error = checkLossError({ kind: 'memory', message: `m\u001b[2J${'z'.repeat(10_000)}`, detail: 'd'.repeat(1 << 20) });
    assert.equal(error.kind, 'memory');
    assert.equal(error.message.length, 500);
    assert.ok(error.message.startsWith('m\\x1b[2Jz'));
    assert.equal(error.detail?.length, 64 * 1024);
    assert.deepEqual(checkLossError({ kind: 'pwned', message: 'x' }), { kind: 'runtime', message: 'the sandbox process failed without saying why' });
    assert.equal(checkNotice({ kind: 'nondeterministic', message: 'n'.repeat(9999) })?.message.length, 500);
    assert.equal(checkInfo({ dim: 2, init: [1], dataSize: 0, gradient: { mode: 'autodiff' } }), undefined);
    assert.equal(checkInfo({ dim: 1e9, init: [], dataSize: 0, gradient: { mode: 'autodiff' } }), undefined);
    assert.deepEqual(checkInfo({ dim: 1, init: [1], dataSize: 0, gradient: { mode: 'autodiff' } }), { dim: 1, init: [1], dataSize: 0, gradient: { mode: 'autodiff' } });
  });
});
