import * as assert from 'node:assert/strict';
import { ChangesetQueue, reconcileReplace, type SourceChange } from '../../src/webview/changesetQueue';

type Row = { run: number; step: number };
type Applied = Map<string, SourceChange<Row>>;

/** A fake view: records each application; its "runAsync" resolves only when the test says so. */
function harness() {
  const applied: Applied[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Array<() => void> = [];
  const queue = new ChangesetQueue<Row>((changes) => {
    applied.push(new Map(changes) as Applied);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<void>((resolve) => pending.push(() => { inFlight--; resolve(); }));
  });
  const land = async (): Promise<void> => {
    pending.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { queue, applied, land, maxInFlight: () => maxInFlight, pendingRuns: () => pending.length };
}

const rows = (run: number, from: number, n: number): Row[] => Array.from({ length: n }, (_, k) => ({ run, step: from + k }));
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('webview/ChangesetQueue', () => {
  it('coalesces inserts made in the same tick into one application', async () => {
    const h = harness();
    h.queue.insert('points', rows(0, 0, 3));
    h.queue.insert('points', rows(1, 0, 2));
    h.queue.insert('events', [{ run: 1, step: 5 }]);
    await tick();
    assert.equal(h.applied.length, 1);
    assert.deepEqual(h.applied[0]!.get('points')!.insert.map((r) => `${r.run}:${r.step}`), ['0:0', '0:1', '0:2', '1:0', '1:1']);
    assert.equal(h.applied[0]!.get('events')!.insert.length, 1);
  });

  it('never overlaps two applications: rows pushed while one is in flight are applied together after it', async () => {
    const h = harness();
    h.queue.insert('points', rows(0, 0, 1));
    await tick();
    for (let i = 1; i <= 10; i++) {
      h.queue.insert('points', rows(0, i, 1));
      await tick();
    }
    assert.equal(h.applied.length, 1, 'still one in flight');
    await h.land();
    assert.equal(h.applied.length, 2);
    assert.deepEqual(h.applied[1]!.get('points')!.insert.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await h.land();
    assert.equal(h.maxInFlight(), 1);
    assert.ok(h.queue.idle);
    assert.equal(h.queue.rowsApplied, 11);
  });

  it('clear drops pending rows and removes what the view holds; later rows stay', async () => {
    const h = harness();
    h.queue.insert('points', rows(0, 0, 2));
    h.queue.clear('points');
    h.queue.insert('points', rows(1, 0, 1));
    await tick();
    const c = h.applied[0]!.get('points')!;
    assert.equal(c.clear, true);
    assert.deepEqual(c.insert, [{ run: 1, step: 0 }]);
  });

  it('remove(predicate) filters pending rows and is passed on for rows already in the view', async () => {
    const h = harness();
    h.queue.insert('points', [...rows(0, 0, 2), ...rows(1, 0, 2)]);
    h.queue.remove('points', (r) => r.run === 0);
    h.queue.insert('points', rows(0, 100, 1));
    await tick();
    const c = h.applied[0]!.get('points')!;
    assert.equal(c.clear, false);
    assert.equal(c.remove.length, 1);
    assert.ok(c.remove[0]!({ run: 0, step: 7 }));
    assert.ok(!c.remove[0]!({ run: 1, step: 7 }));
    assert.deepEqual(c.insert.map((r) => `${r.run}:${r.step}`), ['1:0', '1:1', '0:100']);
  });

  it('whenIdle resolves after everything queued so far was applied', async () => {
    const h = harness();
    let idle = false;
    h.queue.insert('points', rows(0, 0, 1));
    const done = h.queue.whenIdle().then(() => { idle = true; });
    await tick();
    assert.equal(idle, false);
    h.queue.insert('points', rows(0, 1, 1));
    await h.land();
    assert.equal(idle, false, 'the second batch is still to apply');
    await h.land();
    await done;
    assert.equal(idle, true);
  });

  it('touch asks for a run without data (a signal changed), once per flush', async () => {
    const h = harness();
    h.queue.touch();
    h.queue.touch();
    await tick();
    assert.equal(h.applied.length, 1);
    assert.equal(h.applied[0]!.size, 0);
    await h.land();
    assert.ok(h.queue.idle);
  });

  it('keeps going after an application fails, and remembers the error', async () => {
    let calls = 0;
    const q = new ChangesetQueue<Row>(async () => {
      calls++;
      if (calls === 1) throw new Error('view finalized');
    });
    q.insert('points', rows(0, 0, 1));
    await q.whenIdle();
    q.insert('points', rows(0, 1, 1));
    await q.whenIdle();
    assert.equal(calls, 2);
    assert.match(String(q.lastError), /view finalized/);
  });

  it('ignores everything after dispose', async () => {
    const h = harness();
    h.queue.dispose();
    h.queue.insert('points', rows(0, 0, 1));
    h.queue.touch();
    await tick();
    assert.equal(h.applied.length, 0);
    await h.queue.whenIdle();
  });
});

describe('webview/ChangesetQueue with a row limit', () => {
  it('spreads a burst of inserts over several applications, in order, but applies a replace whole', async () => {
    const applied: Array<Map<string, SourceChange<Row>>> = [];
    const queue = new ChangesetQueue<Row>(async (changes) => { applied.push(new Map(changes)); }, (f) => queueMicrotask(f),
      (source) => (source === 'points' ? 100 : Infinity));
    queue.insert('points', rows(0, 0, 250));
    queue.insert('events', rows(9, 0, 3));
    queue.insert('surface', rows(8, 0, 300));
    await queue.whenIdle();
    assert.deepEqual(applied.map((a) => a.get('points')?.insert.length ?? 0), [100, 100, 50]);
    assert.deepEqual(applied.flatMap((a) => a.get('points')?.insert ?? []).map((r) => r.step), Array.from({ length: 250 }, (_, k) => k), 'every row once, in order');
    assert.equal(applied[0]!.get('events')?.insert.length, 3, 'a small source goes at once');
    assert.equal(applied[0]!.get('surface')?.insert.length, 300, 'a source without a limit goes at once');
    applied.length = 0;
    queue.remove('points', (r) => r.run === 0);
    queue.insert('points', rows(0, 0, 150));
    await queue.whenIdle();
    assert.equal(applied.length, 1, 'a removal and its inserts stay together');
    assert.equal(applied[0]!.get('points')?.insert.length, 150);
  });
});

describe('webview/reconcileReplace', () => {
  type P = { run: number; step: number; loss: number };
  const key = (r: P): string => `${r.run}:${r.step}`;
  const same = (a: P, b: P): boolean => a.loss === b.loss;
  const row = (run: number, step: number, loss = step): P => ({ run, step, loss });

  it('keeps the rows re-inserted unchanged, removes only those that went, inserts only new ones', () => {
    const existing = [row(0, 0), row(0, 1), row(0, 2), row(0, 3), row(1, 0), row(1, 1)];
    const inserts = [row(0, 0), row(0, 2), row(0, 4)];
    const r = reconcileReplace(existing, [(t) => t.run === 0], inserts, key, same);
    assert.deepEqual(r.remove, [existing[1], existing[3]], 'steps 1 and 3 of run 0 went; run 1 is untouched');
    assert.deepEqual(r.insert, [row(0, 4)]);
    assert.ok(r.remove.every((t) => existing.includes(t)), 'removes the very objects the view holds');
  });

  it('replaces a row whose values changed, and removes duplicates of one key', () => {
    const existing = [row(0, 0, 1), row(0, 1), row(0, 1)];
    const r = reconcileReplace(existing, [() => true], [row(0, 0, 7), row(0, 1)], key, same);
    assert.deepEqual(r.insert, [row(0, 0, 7)]);
    assert.deepEqual(r.remove, [existing[0], existing[2]]);
  });

  it('is a plain replace when nothing matches', () => {
    const r = reconcileReplace([row(1, 0)], [(t) => t.run === 0], [row(0, 5)], key, same);
    assert.deepEqual(r, { remove: [], insert: [row(0, 5)] });
  });
});
