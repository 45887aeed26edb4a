/**
 * One session inside the sandbox process (a process serves one session): loads the loss within
 * its deadline, steps every run (stepping.ts) and answers the host's requests (requests.ts), all
 * through the scheduler, and tells the host how it goes.
 */
import { Runner } from '../engine/runner';
import { scoreConfigurations } from '../engine/score';
import { describeThrown, lossError } from './format';
import { DeadlineExceeded, EvaluationMonitor } from './guard';
import { PendingPoints } from './batches';
import { loadLoss, type LoadedLoss } from './loadLoss';
import type { FromSandbox, ToSandbox } from './protocol';
import { GeneratorJob, inspect, surface } from './requests';
import { SnippetError } from './sandbox';
import type { SandboxContext } from './sandboxContext';
import { Scheduler } from './scheduler';
import { Stepping, type PointSink } from './stepping';
import { RunSummaries } from './summaries';
import type { LossError } from './types';

export interface SessionChannel {
  send(message: FromSandbox): void;
  /** Bytes sent and not yet taken by the host. */
  unread(): number;
  drained(): Promise<void>;
}

function toLossError(e: unknown): LossError {
  if (e instanceof SnippetError) {
    const error = lossError(e.kind, e.message);
    return e.detail === undefined ? error : { ...error, detail: e.detail };
  }
  return lossError('runtime', describeThrown(e).text);
}

export class SandboxSession {
  private loaded?: LoadedLoss;
  private scheduler?: Scheduler;
  private stepping?: Stepping;
  private notice?: string;
  private noticeSent = false;
  private ended = false;

  constructor(private readonly channel: SessionChannel, private prepared: SandboxContext | undefined) {}

  handle(message: ToSandbox): void {
    if (this.ended) return;
    switch (message.type) {
      case 'start': this.start(message); break;
      case 'surface': this.answer(message.id, (loaded) => surface(loaded, message.request), (surface) => ({ surface })); break;
      case 'inspect': this.answer(message.id, (loaded) => inspect(loaded, message.run, message.step), (inspect) => ({ inspect })); break;
      case 'score':
        this.answer(message.id, (loaded) => scoreConfigurations(loaded.experiment, loaded.objective, loaded.init, message.configurations), (scores) => ({ scores }));
        break;
    }
  }

  private send(message: FromSandbox): void {
    this.channel.send(message);
    this.scheduler?.sent();
  }

  private fatal(error: LossError): void {
    this.ended = true;
    this.send({ type: 'fatal', error });
  }

  private start(message: Extract<ToSandbox, { type: 'start' }>): void {
    if (this.scheduler) return;
    const { experiment, compiled, limits, summaryOnly } = message;
    const monitor = new EvaluationMonitor(limits.deadlineMs);
    monitor.slow = true;  // until the first slice says how long evaluations take
    const scheduler = new Scheduler({
      monitor, guarded: compiled !== null, limits,
      unread: () => this.channel.unread(),
      drained: () => this.channel.drained(),
      heartbeat: () => this.send({ type: 'alive' }),
      afterSlice: () => { this.stepping?.flush(); this.sendNotice(); },
      onFatal: (error) => { this.stepping?.flush(true); this.fatal(error); },
    });
    this.scheduler = scheduler;
    const prepared = this.prepared;
    this.prepared = undefined;
    let loaded: LoadedLoss, runner: Runner, sink: PointSink;
    try {
      loaded = loadLoss(experiment, compiled, {
        hooks: monitor, prepared, allocationBudget: limits.allocationBudget,
        onNondeterministic: (text) => {
          this.notice = text;
          if (this.stepping) this.stepping.note = text;
        },
      });
      const dim = loaded.objective.dim;
      const points = summaryOnly === true ? new RunSummaries(experiment, dim, loaded.info.curvature?.quadratic) : new PendingPoints(dim);
      sink = points;
      runner = new Runner(experiment, loaded.objective, loaded.init, { onPoints: (b) => points.append(b) });
    } catch (e) {
      this.fatal(e instanceof DeadlineExceeded || monitor.exceeded ? monitor.deadlineError(0) : toLossError(e));
      return;
    }
    this.loaded = loaded;
    this.send({ type: 'info', info: loaded.info });
    this.stepping = new Stepping(runner, sink, (output) => this.send({ type: 'events', ...output }), limits.batchIntervalMs);
    scheduler.run(this.stepping);
  }

  private sendNotice(): void {
    if (this.notice === undefined || this.noticeSent) return;
    this.noticeSent = true;
    this.send({ type: 'notice', notice: { kind: 'nondeterministic', message: this.notice } });
  }

  /** Runs a request as a job; its result (or why it failed) goes back as the reply to `id`. */
  private answer<T>(id: number, work: (loaded: LoadedLoss) => Generator<void, T>,
    reply: (result: T) => Omit<Extract<FromSandbox, { type: 'reply' }>, 'type' | 'id'>): void {
    const loaded = this.loaded, scheduler = this.scheduler;
    if (!loaded || !scheduler) {
      this.send({ type: 'reply', id, error: 'the loss is not loaded' });
      return;
    }
    let steps: Generator<void, T>;
    try {
      steps = work(loaded);
    } catch (e) {
      this.send({ type: 'reply', id, error: describeThrown(e).text });
      return;
    }
    scheduler.request(new GeneratorJob(steps,
      (result) => this.send({ type: 'reply', id, ...reply(result) }),
      (error) => this.send({ type: 'reply', id, error })));
  }
}
