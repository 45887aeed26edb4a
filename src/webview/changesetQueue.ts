/**
 * Streams rows into a Vega view without ever overlapping two `runAsync` calls.
 *
 * Points arrive from the host a few dozen times a second; each batch becomes an insert into a
 * named data source. Applying a changeset and running the dataflow is asynchronous, and a
 * second `runAsync` started while the first is in flight makes Vega re-enter its dataflow. So
 * the queue keeps at most one application in flight: rows pushed meanwhile accumulate, and when
 * the flight lands they are applied together, in one changeset per data source and one run.
 * Pushes made in the same tick (or frame, with a frame scheduler) coalesce the same way.
 *
 * The queue is pure logic: what "apply" means is a function given to it (in the panel,
 * `view.change(name, vega.changeset()...)` for each source, then `view.runAsync()`).
 */

/** What one application does to one named data source: removals first, then inserts. */
export interface SourceChange<Row> {
  /** Remove every row present before this change (a reset). */
  readonly clear: boolean;
  /** Remove the rows present before this change that match any of these (a run's points replaced). */
  readonly remove: ReadonlyArray<(row: Row) => boolean>;
  readonly insert: Row[];
}

/** Applies changes to the view (all sources at once) and resolves when the view has run. */
export type ApplyChanges<Row> = (changes: ReadonlyMap<string, SourceChange<Row>>) => Promise<void>;

/** Schedules a flush: `queueMicrotask` in tests, `requestAnimationFrame` in the panel. */
export type FlushScheduler = (flush: () => void) => void;

export class ChangesetQueue<Row> {
  private pending = new Map<string, SourceChange<Row>>();
  /** A run was asked for with no data change (a signal changed). */
  private touched = false;
  private inFlight: Promise<void> | null = null;
  private scheduled = false;
  private disposed = false;
  private waiters: Array<() => void> = [];
  /** Number of times `apply` was called (for the debug hook and tests). */
  applications = 0;
  /** Rows handed to `apply` in total. */
  rowsApplied = 0;
  /** The last error `apply` threw, if any (the queue keeps going). */
  lastError: unknown = undefined;

  /**
   * @param maxInsert most rows inserted into a source per application: a burst of rows (the
   *   host catching up, a fast run) is spread over several applications (frames), each encoding
   *   at most this many. Only plain inserts are split; a change that also removes or clears is
   *   applied whole (its removals and inserts belong together). Default: no limit.
   */
  constructor(
    private readonly apply: ApplyChanges<Row>,
    private readonly schedule: FlushScheduler = (f) => queueMicrotask(f),
    private readonly maxInsert: (source: string) => number = () => Infinity,
  ) {}

  /** Queues rows for insertion into `source`. */
  insert(source: string, rows: readonly Row[]): void {
    if (this.disposed || rows.length === 0) return;
    const change = this.pendingFor(source);
    for (const r of rows) change.insert.push(r);
    this.kick();
  }

  /** Queues the removal of every row of `source` (rows inserted after this call stay). */
  clear(source: string): void {
    if (this.disposed) return;
    this.pending.set(source, { clear: true, remove: [], insert: [] });
    this.kick();
  }

  /**
   * Queues the removal of the rows of `source` that match `predicate`, both those already in
   * the view and those still pending (rows inserted after this call stay).
   */
  remove(source: string, predicate: (row: Row) => boolean): void {
    if (this.disposed) return;
    const change = this.pendingFor(source);
    change.insert = change.insert.filter((r) => !predicate(r));
    if (!change.clear) change.remove.push(predicate);
    this.kick();
  }

  /** Asks for one more application even without data changes (a signal changed and the view must run). */
  touch(): void {
    if (this.disposed) return;
    this.touched = true;
    this.kick();
  }

  /** True when nothing is pending or in flight. */
  get idle(): boolean {
    return this.inFlight === null && this.pending.size === 0 && !this.touched && !this.scheduled;
  }

  /** Resolves once every change queued so far has been applied. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops pending changes and ignores further ones (the view is being replaced). */
  dispose(): void {
    this.disposed = true;
    this.pending.clear();
    this.release();
  }

  private pendingFor(source: string): { clear: boolean; remove: Array<(row: Row) => boolean>; insert: Row[] } {
    let change = this.pending.get(source) as { clear: boolean; remove: Array<(row: Row) => boolean>; insert: Row[] } | undefined;
    if (!change) {
      change = { clear: false, remove: [], insert: [] };
      this.pending.set(source, change);
    }
    return change;
  }

  private kick(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.disposed || this.inFlight || (this.pending.size === 0 && !this.touched)) {
      this.release();
      return;
    }
    const changes = this.pending;
    this.pending = new Map();
    for (const [source, change] of changes) {
      const max = this.maxInsert(source);
      if (change.clear || change.remove.length > 0 || change.insert.length <= max) continue;
      // The first rows now, the rest (and anything pushed meanwhile, after them) next time.
      changes.set(source, { clear: false, remove: [], insert: change.insert.slice(0, max) });
      this.pending.set(source, { clear: false, remove: [], insert: change.insert.slice(max) });
    }
    this.touched = false;
    this.applications++;
    for (const c of changes.values()) this.rowsApplied += c.insert.length;
    let run: Promise<void>;
    try {
      run = this.apply(changes);
    } catch (e) {
      run = Promise.reject(e);
    }
    this.inFlight = run
      .catch((e: unknown) => { this.lastError = e; })
      .then(() => {
        this.inFlight = null;
        if ((this.pending.size > 0 || this.touched) && !this.disposed) this.kick();
        else this.release();
      });
  }

  private release(): void {
    if (!this.idle && !this.disposed) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * A removal followed by inserts, reduced to what actually changes: of the rows in the view that
 * the removal matches (`existing`), those re-inserted unchanged (same `key`, `same(old, new)`)
 * stay, and only the others are removed; only rows not already there are inserted.
 *
 * The panel replaces a run's rows when it thins them (pointStore.ts): the thinner rows are a
 * subset of the rows shown, so instead of removing every row of the run and encoding them all
 * again, the view only drops the rows that went.
 */
export function reconcileReplace<Row>(existing: readonly Row[], remove: ReadonlyArray<(row: Row) => boolean>, insert: readonly Row[],
  key: (row: Row) => string, same: (a: Row, b: Row) => boolean = () => true): { remove: Row[]; insert: Row[] } {
  const going = new Map<string, Row>();
  const removeAlso: Row[] = [];
  for (const row of existing) {
    if (!remove.some((p) => p(row))) continue;
    const k = key(row);
    // Two rows with one key: keep the first, remove the other.
    if (going.has(k)) removeAlso.push(row);
    else going.set(k, row);
  }
  const inserts: Row[] = [];
  for (const row of insert) {
    const k = key(row);
    const old = going.get(k);
    if (old !== undefined && same(old, row)) going.delete(k);
    else inserts.push(row);
  }
  return { remove: [...going.values(), ...removeAlso], insert: inserts };
}
