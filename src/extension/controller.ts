/**
 * The panel controller: owns the experiment and its run, and streams it to the webview.
 *
 * One `ExperimentSession` (src/snippet/session.ts) at a time. An edit re-runs after a short pause
 * (`debounceMs`, ~300 ms); the new session replaces the one in flight only once its loss compiled,
 * so an edit that does not compile or validate keeps the last good results and shows the error.
 * Points are kept exactly (`ResultsStore`) and sent in batches every `flushMs` (a few dozen
 * messages a second), thinned for display when runs are long. The webview plays them back at a pace
 * a person can follow (src/webview/playback.ts); the host never waits for it.
 *
 * No `vscode` import: the panel (panel.ts) wires it to a webview, and the tests drive it directly
 * (its dependencies: controllerDeps.ts).
 */
import * as os from 'node:os';
import type { Experiment, RunnerEvent, RunStatus } from '../engine/types';
import type { HostState, InspectResult, LossInfo, PanelError, PanelExperiment, RunResult, SurfaceData } from '../protocol';
import type { ExperimentSession, SessionInfo } from '../snippet/types';
import type { ControllerDeps, ControllerEvents } from './controllerDeps';
import { validatePanelExperiment } from './convert';
import { PathExtent, surfaceData, surfaceGrid, widenedWindow, type SurfaceWindow } from './lossSurface';
import { ResultsStore, takeUnshown } from './results';
import { inspectToWire, lossErrorToPanel, lossInfo } from './sessionToPanel';
import { trustRefusal, type LossOrigin } from './trust';

export type { ControllerDeps, ControllerEvents } from './controllerDeps';

/** A session being started: its events are buffered until the loss compiled. */
interface Pending {
  readonly session: ExperimentSession;
  readonly experiment: Experiment;
  readonly buffered: RunnerEvent[];
  live: boolean;
}

export class PlaygroundController {
  experiment: PanelExperiment;
  /** The validated experiment of the results shown. */
  running?: Experiment;
  state: HostState = 'idle';
  results: RunResult[] = [];
  store?: ResultsStore;
  info?: LossInfo;
  surface?: SurfaceData;
  errors: readonly PanelError[] = [];
  surfaceDims: readonly [number, number] = [0, 1];
  private scrubPoint?: readonly number[];
  /**
   * A 2-parameter loss without a declared domain: where the runs went, and the window the surface
   * was widened to once they ended (their paths may leave the window around the start).
   */
  private paths?: { readonly extent: PathExtent; surfaced: boolean; window?: SurfaceWindow };
  private session?: ExperimentSession;
  private pending?: Pending;
  private debounce?: ReturnType<typeof setTimeout>;
  private flushTimer?: ReturnType<typeof setInterval>;
  private endPosted: boolean[] = [];
  private sessionDone = true;
  private rate = { at: 0, points: 0, value: 0 };
  private lastStatus = '';
  private idleWaiters: (() => void)[] = [];
  /** Surface requests in flight: the surface is part of what idle means everything was shown. */
  private surfaceRequests = 0;
  private disposed = false;
  readonly events: ControllerEvents = {};

  constructor(experiment: PanelExperiment, private readonly deps: ControllerDeps) {
    this.experiment = experiment;
  }

  /** The person edited the experiment: re-run after the debounce. */
  edit(experiment: PanelExperiment): void {
    this.experiment = experiment;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => { this.debounce = undefined; this.run(); }, this.deps.debounceMs ?? 300);
  }

  /** Runs the experiment from the start. */
  run(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.startSession();
  }

  /** Stops the run in flight, keeping its results. */
  stop(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.pending?.session.cancel();
    this.pending = undefined;
    this.session?.cancel();
    this.flush();
  }

  /** Stops and forgets the results. */
  reset(): void {
    this.stop();
    this.session = undefined;
    this.store?.dispose();
    this.store = undefined;
    this.results = [];
    this.running = undefined;
    this.sessionDone = true;
    this.setState('idle');
    if (this.info) this.deps.post({ type: 'runStart', results: [], info: this.info });
  }

  /** Resolves when nothing is running, pending or waiting to be shown. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.debounce === undefined && this.pending === undefined && this.sessionDone && !this.hasUnshown() && this.surfaceRequests === 0;
  }

  private hasUnshown(): boolean {
    return !!this.store?.runs.some((r, i) => r.shown < r.count || (r.status !== 'running' && !this.endPosted[i]));
  }

  private setErrors(errors: readonly PanelError[]): void {
    this.errors = errors;
    this.deps.post({ type: 'error', errors });
    this.events.errors?.(errors);
  }

  private startSession(): void {
    const trust = this.deps.trust?.() ?? { origin: 'panel' as LossOrigin, trusted: true };
    const refusal = trustRefusal(this.experiment.loss, trust.origin, trust.trusted);
    if (refusal) {
      this.setErrors([refusal]);
      this.settle();
      return;
    }
    const checked = validatePanelExperiment(this.experiment, this.deps.validate);
    if (!checked.ok) {
      this.setErrors(checked.issues.map((i) => ({ kind: 'validation', message: `${i.path}: ${i.message}`, path: i.path })));
      this.settle();
      return;
    }
    this.pending?.session.cancel();
    let session: ExperimentSession;
    try {
      session = this.deps.start(checked.experiment, this.deps.startOptions?.());
    } catch (e) {
      this.setErrors(lossErrorToPanel(e));
      this.settle();
      return;
    }
    const pending: Pending = { session, experiment: checked.experiment, buffered: [], live: false };
    this.pending = pending;
    // Compiling, starting the worker, the first evaluations: the panel says "Running…" meanwhile.
    this.setState('running');
    session.onEvent((ev) => {
      if (pending.live) { if (this.session === pending.session) this.onRunnerEvent(ev); }
      else if (this.pending === pending) pending.buffered.push(ev);
    });
    session.info.then(
      (info) => this.onSessionStarted(pending, info),
      (err) => {
        if (this.pending !== pending) return;
        this.pending = undefined;
        this.setErrors(lossErrorToPanel(err));
        this.settle();
      },
    );
    session.done.then(
      () => this.onSessionDone(pending),
      (err) => {
        if (pending.live) {
          this.setErrors(lossErrorToPanel(err));
          this.onSessionDone(pending);
        }
      },
    );
  }

  private onSessionStarted(pending: Pending, info: SessionInfo): void {
    if (this.pending !== pending || this.disposed) { pending.session.cancel(); return; }
    this.pending = undefined;
    this.session?.cancel();
    this.session = pending.session;
    this.running = pending.experiment;
    this.sessionDone = false;
    this.info = lossInfo(info);
    const labels = pending.experiment.runs.map((r) => r.label);
    this.store?.dispose();
    this.store = new ResultsStore(labels, info.dim, {
      maxPoints: pending.experiment.steps + 1, spillRoot: this.deps.pointStorage ?? os.tmpdir(), curvature: pending.experiment.curvature === true,
    });
    this.results = labels.map((label, run) => ({
      run, label, status: pending.experiment.runs[run].enabled === false ? 'cancelled' as RunStatus : 'running' as RunStatus, steps: 0,
    }));
    this.endPosted = labels.map(() => false);
    this.rate = { at: Date.now(), points: 0, value: 0 };
    this.scrubPoint = undefined;
    if (this.surfaceDims[0] >= info.dim || this.surfaceDims[1] >= info.dim) this.surfaceDims = [0, 1];
    this.paths = info.dim === 2 && !info.domain ? { extent: new PathExtent(this.surfaceDims, info.dim), surfaced: false } : undefined;
    this.setErrors([]);
    this.deps.post({ type: 'runStart', results: this.results, info: this.info });
    this.setState('running');
    pending.live = true;
    for (const ev of pending.buffered.splice(0)) this.onRunnerEvent(ev);
    this.ensureFlushing();
    void this.requestSurface(info);
  }

  private onSessionDone(pending: Pending): void {
    if (this.session !== pending.session) return;
    this.sessionDone = true;
    // Runs the worker never ended (cancelled sessions) end as cancelled.
    this.store?.runs.forEach((r) => { if (r.status === 'running') r.status = 'cancelled'; });
    // Before the flush, which may settle: a widened surface is part of what idle waits for.
    this.widenSurface();
    this.flush();
  }

  private onRunnerEvent(ev: RunnerEvent): void {
    if (!this.store) return;
    if (ev.type === 'points') {
      this.paths?.extent.add(ev.batches);
      const refused = this.store.append(ev.batches);
      for (const b of refused) this.deps.log(`points of run ${b.run} from step ${b.fromStep} do not continue the run; ignored`);
    } else if (ev.type === 'runEnd') {
      const r = this.store.runs[ev.run];
      if (r) {
        r.status = ev.status;
        if (ev.message) r.message = ev.message;
        const ended = this.store.runs.filter((x) => x.status !== 'running').length;
        this.events.runEnded?.(ended, this.store.runs.length);
      }
    } else if (ev.type === 'done') {
      this.sessionDone = true;
    }
  }

  private ensureFlushing(): void {
    if (this.flushTimer === undefined) this.flushTimer = setInterval(() => this.flush(), this.deps.flushMs ?? 33);
  }

  /** Sends what is new: points, ended runs, status; stops the timer when everything is shown. */
  flush(): void {
    const store = this.store;
    if (store) {
      for (const m of takeUnshown(store, this.results, this.endPosted)) this.deps.post(m);
      const now = Date.now();
      if (now - this.rate.at >= 500) {
        const total = store.totalPoints;
        this.rate = { at: now, points: total, value: ((total - this.rate.points) * 1000) / (now - this.rate.at) };
      }
    }
    if (this.sessionDone && !this.hasUnshown() && this.pending === undefined) {
      this.settle();
    } else {
      this.setState('running');
    }
  }

  /** Nothing more to stream: idle (unless a new session is pending). */
  private settle(): void {
    if (this.flushTimer !== undefined) { clearInterval(this.flushTimer); this.flushTimer = undefined; }
    if (this.pending !== undefined || this.debounce !== undefined) return;
    if (!this.sessionDone) return;
    this.setState('idle');
    this.events.idle?.();
    if (this.surfaceRequests === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private setState(state: HostState): void {
    this.state = state;
    const sps = state === 'running' ? Math.round(this.rate.value) : 0;
    const key = `${state}:${sps}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.deps.post({ type: 'status', state, stepsPerSecond: sps });
    this.events.status?.(state, sps);
  }

  /** The scrubber moved: for more than two parameters the surface is the slice through that point. */
  scrub(step: number, run = 0): void {
    const r = this.store?.runs[run];
    if (!r || !this.info || this.info.dim <= 2 || step >= r.count) return;
    this.scrubPoint = Array.from(this.store!.paramsAt(run, step));
    void this.requestSurface();
  }

  pickDims(dims: readonly [number, number]): void {
    if (!this.info || dims[0] >= this.info.dim || dims[1] >= this.info.dim) return;
    this.surfaceDims = dims;
    this.paths = undefined;
    void this.requestSurface();
  }

  /** Loss on a grid over the two surface coordinates, sent as a `surface` message. */
  async requestSurface(info: LossInfo | SessionInfo | undefined = this.info): Promise<void> {
    const session = this.session;
    if (!info || info.dim < 2 || !session) return;
    const at = this.scrubPoint ?? info.init;
    const grid = surfaceGrid(info, this.surfaceDims, at, this.deps.surfaceSize ?? 64, this.paths?.window);
    this.surfaceRequests++;
    try {
      const values = await session.surface({ ...grid, at: [...at], dims: this.surfaceDims });
      if (session !== this.session) return;
      this.surface = surfaceData(info, grid, this.surfaceDims, at, values);
      this.deps.post({ type: 'surface', surface: this.surface });
      if (this.paths) this.paths.surfaced = true;
      this.widenSurface();
    } catch (e) {
      this.deps.log(`loss surface: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.surfaceRequests--;
      if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Once the runs ended and their surface came: widened once to take in their paths, if they left it. */
  private widenSurface(): void {
    const paths = this.paths;
    if (!paths || !paths.surfaced || paths.window || !this.sessionDone || !this.surface) return;
    const window = widenedWindow({ xs: Float64Array.from(this.surface.xs), ys: Float64Array.from(this.surface.ys) }, paths.extent.window);
    if (!window) return;
    paths.window = window;
    void this.requestSurface();
  }

  /** Run `run`'s optimizer state at `step`, for the formula view (the webview's `inspect` request). */
  async inspect(run: number, step: number): Promise<InspectResult> {
    const session = this.session;
    if (!session) throw new Error('nothing has run yet');
    try {
      return inspectToWire(await session.inspect(run, step));
    } catch (e) {
      throw new Error(e instanceof Error ? e.message : String(e && typeof e === 'object' && 'message' in e ? (e as { message: string }).message : e), { cause: e });
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    this.debounce = undefined;
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    this.pending?.session.cancel();
    this.pending = undefined;
    this.session?.cancel();
    this.store?.dispose();
    this.sessionDone = true;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
