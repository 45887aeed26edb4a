/**
 * The playback clock. The host computes every run exactly and as fast as it can; the panel plays
 * what it received back at a pace a person can follow: the step shown advances with time at the
 * chosen speed (a whole run takes about `PLAY_SECONDS[speed]`, so a 10,000-step run plays its
 * thinned rows as briskly as a 300-step one), never past the last point received. Pause freezes
 * it, Step moves to the next point, the scrubber puts it anywhere received (and pauses), Replay
 * starts again from step 0. `instant` shows every point as it arrives. The charts show the step
 * in the store (charts.ts); this module only moves it.
 */
import type { PlaybackSpeed } from '../protocol';
import type { HostChannel } from './channel';
import { onNextFrame } from './dom';
import type { PanelState, Playback } from './state';
import type { Store } from './store';

/** About how long a whole run plays at each speed, in seconds. */
export const PLAY_SECONDS: Readonly<Record<Exclude<PlaybackSpeed, 'instant'>, number>> = { slow: 12, normal: 5, fast: 2 };

/** Slowest pace, steps per second (a 20-step run still moves). */
const MIN_STEPS_PER_SECOND = 8;

/** The speed a person starts with: the one they chose last, else `normal` (`instant` when they asked for reduced motion). */
export function initialSpeed(saved: PlaybackSpeed | undefined): PlaybackSpeed {
  if (saved) return saved;
  const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return reduced ? 'instant' : 'normal';
}

/** Steps per second at `speed` for a run of `total` steps. */
export function stepsPerSecond(speed: PlaybackSpeed, total: number): number {
  if (speed === 'instant') return Infinity;
  return Math.max(MIN_STEPS_PER_SECOND, total / PLAY_SECONDS[speed]);
}

export class PlaybackClock {
  private frame: { cancel(): void } | undefined;
  private lastTime = 0;
  /** Fractional step reached (the store holds whole steps). */
  private position = 0;
  private scrubTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `nextStep(after)`: the first step of any received point after `after` (Step), or undefined.
   * `revived`: the page is a panel shown again or revived after a reload (it shows the latest step
   * at once); a new panel plays its first runs from step 0, even when they were computed before
   * its page was ready.
   */
  constructor(private readonly store: Store<PanelState>, private readonly channel: HostChannel, private readonly nextStep: (after: number) => number | undefined,
    revived: boolean) {
    channel.on('runStart', () => {
      const p = this.playback;
      this.position = 0;
      this.set({ step: 0, received: 0, total: this.store.state.experiment?.steps ?? 0, ended: false, playing: p.speed !== 'instant' });
    });
    let first = !revived;
    channel.on('init', (m) => {
      const received = Math.max(0, ...m.points.map((s) => s.steps[s.steps.length - 1] ?? 0));
      const play = first && this.playback.speed !== 'instant';
      first = false;
      // A new panel plays from step 0; a revived one shows what was computed at its latest step.
      this.position = play ? 0 : received;
      this.set({ step: this.position, received, total: m.experiment.steps, ended: !play && m.state === 'idle',
        playing: play || (m.state === 'running' && this.playback.speed !== 'instant') });
      this.tick();
    });
    store.watch((s) => s.hostState, () => this.tick());
  }

  private get playback(): Playback {
    return this.store.state.playback;
  }

  private set(patch: Partial<Playback>): void {
    this.store.update((s) => ({ playback: { ...s.playback, ...patch } }));
  }

  /** New points arrived, up to `received` (their largest step). */
  received(received: number): void {
    this.set({ received });
    this.tick();
  }

  play(): void {
    if (this.playback.step >= this.playback.received && this.store.state.hostState === 'idle') {
      // At the end: play it again.
      this.replay();
      return;
    }
    this.set({ playing: true });
    this.tick();
  }

  pause(): void {
    this.set({ playing: false });
    this.stopFrames();
  }

  /** Shows the next point (and pauses). */
  step(): void {
    const next = this.nextStep(this.playback.step);
    this.pause();
    if (next !== undefined) this.moveTo(next, true);
  }

  replay(): void {
    this.position = 0;
    this.set({ step: 0, playing: true, ended: false });
    this.tick();
  }

  /** The scrubber: shows `step` (and pauses). */
  scrubTo(step: number): void {
    this.pause();
    this.moveTo(Math.max(0, Math.min(step, this.playback.received)), true);
  }

  setSpeed(speed: PlaybackSpeed): void {
    this.set({ speed, ...(speed === 'instant' ? { playing: false } : {}) });
    this.channel.post({ type: 'setPreferences', preferences: { playbackSpeed: speed } });
    this.tick();
  }

  private moveTo(step: number, byPerson: boolean): void {
    this.position = step;
    const p = this.playback;
    this.set({ step, ended: step >= p.received && this.store.state.hostState === 'idle' });
    if (!byPerson) return;
    // The host slices the surface through the shown point (more than two parameters).
    clearTimeout(this.scrubTimer);
    this.scrubTimer = setTimeout(() => this.channel.post({ type: 'scrub', step, run: this.store.state.view.selectedRun }), 120);
  }

  /** Advances with time while playing; `instant` follows the points at once. */
  private tick(): void {
    const p = this.playback;
    if (p.speed === 'instant') {
      if (p.step !== p.received || !p.ended) this.moveTo(p.received, false);
      return;
    }
    if (!p.playing) return;
    if (p.step >= p.received) {
      // Waiting for the host (or done).
      this.stopFrames();
      if (this.store.state.hostState === 'idle') this.set({ playing: false, ended: true });
      return;
    }
    if (this.frame) return;
    this.lastTime = performance.now();
    const advance = (): void => {
      this.frame = undefined;
      const q = this.playback;
      if (!q.playing || q.speed === 'instant') return;
      const now = performance.now();
      // A hidden page gets no frames: at most a quarter second's worth per frame when it comes back.
      const dt = Math.min(0.25, (now - this.lastTime) / 1000);
      this.lastTime = now;
      this.position = Math.min(q.received, Math.max(this.position, q.step) + dt * stepsPerSecond(q.speed, q.total || q.received));
      const step = Math.floor(this.position);
      if (step !== q.step) this.moveTo(step, false);
      if (step >= this.playback.received) this.tick();
      else this.frame = onNextFrame(advance);
    };
    this.frame = onNextFrame(advance);
  }

  private stopFrames(): void {
    this.frame?.cancel();
    this.frame = undefined;
  }
}
