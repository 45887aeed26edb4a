/**
 * The chart views' frame scheduler: queued work runs one item per animation frame, round-robin,
 * so that a burst of messages costs each frame at most one view's dataflow run and render (the
 * heavy, synchronous part of an update) instead of every view's in one long frame.
 */
import { onNextFrame } from './dom';

const queue: Array<() => void> = [];
let requested = false;

function runNext(): void {
  requested = false;
  queue.shift()?.();
  if (queue.length > 0) request();
}

function request(): void {
  if (requested) return;
  requested = true;
  onNextFrame(runNext);
}

/** Runs `work` in a later frame, after the work queued before it (one item per frame). */
export function inAFrameOfItsOwn(work: () => void): void {
  queue.push(work);
  request();
}

/** Resolves in a frame of its own (see `inAFrameOfItsOwn`). */
export function frameOfItsOwn(): Promise<void> {
  return new Promise((resolve) => inAFrameOfItsOwn(resolve));
}
