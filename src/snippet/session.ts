/**
 * Running an experiment in a sandbox process: `startExperiment` reads the loss (lossSource.ts),
 * has a snippet compiled in the compiler process (compiler.ts; presets need no compile), hands it
 * to a sandbox process of its own (spare.ts, sandboxProcess.ts) that runs the engine's Runner next
 * to the loss (sandboxMain.ts), and relays the runner's events, checked (eventRelay.ts). The host
 * never runs user code, and never loads the TypeScript compiler.
 *
 * Lifetime, owned here: the process keeps the host alive while the loss loads, while runs go and
 * while a `surface`/`inspect` request is pending; once every run ended it stays, idle, for later
 * requests, without keeping the host alive; `cancel()` ends it. When the process fails — a
 * deadline, a memory limit, a crash, a message the host refuses — the runs still going end with
 * status 'error' and the reason, `done` rejects with the LossError, and the process is ended. A
 * new session always gets a new process, so the next run works normally.
 */
import type { Experiment, RunnerEvent } from '../engine/types';
import type { Configuration, ConfigurationScore } from '../engine/score';
import { checkInfo, checkInspect, checkLossError, checkNotice, checkReplyError, checkScores, checkSurface } from './checkMessages';
import { compileOffThread, prewarmCompiler } from './compiler';
import { EventRelay } from './eventRelay';
import { lossSource } from './lossSource';
import { mark } from './startupTrace';
import type { FromSandbox, ToSandbox } from './protocol';
import type { RunSummaryEntry } from '../engine/runSummary';
import { DEFAULT_MEMORY_MB, describeEnd, sessionLimits, type SessionLimits } from './sandboxLimits';
import type { ProcessEnd, SandboxProcess } from './sandboxProcess';
import { disposeSpare, prewarmSandbox, takeSandbox } from './spare';
import type {
  CompiledSnippet, ExperimentSession, InspectResult, LossError, SandboxIsolation, SessionInfo, SessionNotice, StartOptions,
  SurfaceRequest,
} from './types';

/**
 * Starts a spare sandbox process now, so the next `startExperiment` skips its start-up, and the
 * compiler process, so that the first snippet does not wait for the TypeScript compiler to load;
 * resolves when both are ready. The host calls it when a panel opens. Once called, a new spare is
 * started each time one is taken. Idle processes don't keep the host alive. `compiler: false`
 * warms the sandbox only: a host that compiles one loss (the CLI) has the compiler started for
 * it when needed (compiler.ts's `startCompiler`), and its warm-up compiles would only take CPU
 * from the sandbox processes. `spares`: how many sandbox processes to keep ready (spare.ts).
 */
export function prewarmWorker(memoryLimitMb = DEFAULT_MEMORY_MB, { compiler = true, spares = 1 }: { readonly compiler?: boolean; readonly spares?: number } = {}): Promise<void> {
  return Promise.all([prewarmSandbox(memoryLimitMb, spares), compiler ? prewarmCompiler() : undefined]).then(() => undefined);
}

/** Stops the spare sandbox process, if any, and starts no more (tests and shutdown). */
export function disposeSpareWorker(): void {
  disposeSpare();
}

/** Runs `experiment` in a sandbox process; see ExperimentSession. */
export function startExperiment(experiment: Experiment, options: StartOptions = {}): ExperimentSession {
  return new Session(experiment, options);
}

type Phase = 'loading' | 'running' | 'idle' | 'ended';
type Reply = Extract<FromSandbox, { type: 'reply' }>;

function isProcessEnd(e: unknown): e is ProcessEnd {
  return typeof e === 'object' && e !== null && 'cause' in e;
}

function asLossError(e: unknown): LossError {
  if (typeof e === 'object' && e !== null && 'kind' in e && 'message' in e) return e as LossError;
  return { kind: 'runtime', message: e instanceof Error ? e.message : String(e) };
}

class Session implements ExperimentSession {
  readonly info: Promise<SessionInfo>;
  readonly done: Promise<void>;
  private readonly limits: SessionLimits;
  private readonly relay: EventRelay;
  private readonly replies = new Map<number, { resolve: (m: Reply) => void; reject: (e: Error) => void }>();
  private readonly noticeListeners: ((notice: SessionNotice) => void)[] = [];
  private readonly notices: SessionNotice[] = [];
  private nextId = 1;
  private phase: Phase = 'loading';
  private process?: SandboxProcess;
  private isolation?: SandboxIsolation;
  private dim = 0;
  private resolveInfo!: (info: SessionInfo) => void;
  private rejectInfo!: (e: LossError) => void;
  private resolveDone!: () => void;
  private rejectDone!: (e: LossError) => void;

  constructor(private readonly experiment: Experiment, private readonly options: StartOptions) {
    this.limits = sessionLimits(options);
    this.relay = new EventRelay(experiment);
    this.info = new Promise((resolve, reject) => { this.resolveInfo = resolve; this.rejectInfo = reject; });
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject; });
    // Callers may await only one of the two: never an unhandled rejection for the other.
    this.info.catch(() => undefined);
    this.done.catch(() => undefined);
    void this.launch();
  }

  /** Whether the session is over (a getter: it changes while `launch` awaits). */
  private get ended(): boolean {
    return this.phase === 'ended';
  }

  onEvent(listener: (event: RunnerEvent) => void): void {
    this.relay.listen(listener);
  }

  onSummary(listener: (summary: RunSummaryEntry) => void): void {
    this.relay.listenSummaries(listener);
  }

  onNotice(listener: (notice: SessionNotice) => void): void {
    this.noticeListeners.push(listener);
    for (const n of this.notices) listener(n);
  }

  cancel(): void {
    if (this.phase === 'ended') return;
    const going = this.phase === 'loading' || this.phase === 'running';
    this.end('the session was cancelled');
    if (!going) return;
    this.relay.endRuns('cancelled');
    this.rejectInfo({ kind: 'runtime', message: 'the session was cancelled' });
    this.resolveDone();
  }

  async surface(request: SurfaceRequest): Promise<Float64Array> {
    const reply = await this.request({ type: 'surface', id: this.nextId++, request });
    const surface = checkSurface(reply.surface, request.xs.length * request.ys.length);
    if (reply.error !== undefined || !surface) throw new Error(checkReplyError(reply.error ?? 'no surface'));
    return surface;
  }

  async score(configurations: readonly Configuration[]): Promise<ConfigurationScore[]> {
    const reply = await this.request({ type: 'score', id: this.nextId++, configurations });
    const scores = checkScores(reply.scores, configurations.length);
    if (reply.error !== undefined || !scores) throw new Error(checkReplyError(reply.error ?? 'no scores'));
    return scores;
  }

  async inspect(run: number, step: number): Promise<InspectResult> {
    const reply = await this.request({ type: 'inspect', id: this.nextId++, run, step });
    const state = checkInspect(reply.inspect, this.dim);
    if (reply.error !== undefined || !state) throw new Error(checkReplyError(reply.error ?? 'no state'));
    return state;
  }

  /**
   * Starts the session's process, and meanwhile loads the loss's source and compiles it (the
   * process's start and the compile overlap, on two cores), then hands the loss to the process.
   */
  private async launch(): Promise<void> {
    try {
      const p = takeSandbox(this.limits);
      this.process = p;
      p.onMessage((m) => this.receive(m as FromSandbox));
      p.onEnd((end) => this.processEnded(end));
      const source = await lossSource(this.experiment, this.options);
      let compiled: CompiledSnippet | null = null;
      if (source !== null) {
        const result = await compileOffThread(source);
        if (!result.ok) throw result.error;
        compiled = result;
      }
      if (this.ended) return;
      // Busy (its watchdogs on) from now: while the loss compiled, the process waited in silence.
      this.updateBusy();
      this.isolation = await p.ready;
      const summaryOnly = this.options.summaryOnly === true;
      if (!this.ended) p.send({ type: 'start', experiment: this.experiment, compiled, limits: this.limits, summaryOnly } satisfies ToSandbox);
    } catch (e) {
      if (!isProcessEnd(e)) this.fail(asLossError(e));  // a process that ended said so through onEnd
    }
  }

  private receive(m: FromSandbox): void {
    if (this.phase === 'ended') return;
    switch (m?.type) {
      case 'info': {
        const info = checkInfo(m.info);
        if (!info || this.phase !== 'loading') { this.refuse('an info message that does not fit'); return; }
        this.dim = this.relay.dim = info.dim;
        this.phase = 'running';
        mark('session info');
        this.resolveInfo(this.isolation ? { ...info, isolation: this.isolation } : info);
        return;
      }
      case 'events': {
        const refused = this.phase !== 'running' ? 'events before the loss loaded'
          : (m.summaries !== undefined) !== (this.options.summaryOnly === true) ? 'summaries where points were asked for, or the reverse'
            : (m.summaries !== undefined ? this.relay.acceptSummaries(m.summaries) : undefined) ?? this.relay.accept(m.events);
        if (refused) { this.refuse(refused); return; }
        if (this.relay.done) { mark('session done'); this.phase = 'idle'; this.resolveDone(); this.updateBusy(); }
        return;
      }
      case 'fatal': this.fail(checkLossError(m.error)); return;
      case 'notice': {
        const notice = checkNotice(m.notice);
        if (!notice) { this.refuse('a malformed notice'); return; }
        this.notices.push(notice);
        for (const l of this.noticeListeners) l(notice);
        return;
      }
      case 'reply': {
        const r = this.replies.get(m.id);
        if (!r) { this.refuse('a reply to no request'); return; }
        this.replies.delete(m.id);
        this.updateBusy();
        r.resolve(m);
        return;
      }
      case 'alive': return;
      default: this.refuse('a message of an unknown type');
    }
  }

  private request(message: Extract<ToSandbox, { id: number }>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const p = this.process;
      if (!p || this.phase === 'ended') { reject(new Error('the session is not running')); return; }
      this.replies.set(message.id, { resolve, reject });
      this.updateBusy();
      void p.ready.then(() => {
        if (this.replies.has(message.id)) p.send(message);
      }, () => undefined);
    });
  }

  /** The process sent something the host does not accept: it is ended. */
  private refuse(reason: string): void {
    this.process?.end({ cause: 'protocol', reason: `it sent ${reason}` });
  }

  private processEnded(end: ProcessEnd): void {
    if (this.phase === 'ended') return;
    const error = describeEnd(end, this.limits) ?? { kind: 'runtime', message: 'the sandbox process was stopped' };
    this.fail(error);
  }

  /** Ends the session with `error`: the runs still going end as errors, `info`/`done` reject. */
  private fail(error: LossError): void {
    if (this.phase === 'ended') return;
    const going = this.phase === 'loading' || this.phase === 'running';
    const loaded = this.phase === 'running';
    this.end(error.message);
    if (!going) return;
    if (loaded) this.relay.endRuns('error', error.message);
    this.rejectInfo(error);
    this.rejectDone(error);
  }

  /** The session is over: its process is ended, pending requests fail with `reason`. */
  private end(reason: string): void {
    this.phase = 'ended';
    this.process?.kill();
    for (const r of this.replies.values()) r.reject(new Error(reason));
    this.replies.clear();
  }

  private updateBusy(): void {
    const working = this.phase === 'loading' || this.phase === 'running' || this.replies.size > 0;
    this.process?.setBusy(working && this.phase !== 'ended');
  }
}
