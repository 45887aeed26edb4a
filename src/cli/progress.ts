/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (pipes and files get
 * nothing), redrawn at most ten times a second, erased when the run ends.
 */
import { grouped } from './text';

export class ProgressBar {
  private last = 0;
  private drawn = false;
  private readonly started = Date.now();

  constructor(private readonly total: number, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true && this.total > 0;
  }

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < this.total) return;
    this.last = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    const fraction = Math.min(1, done / this.total);
    const filled = Math.round(fraction * width);
    const rate = done / Math.max(1e-3, (now - this.started) / 1000);
    const text = `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${(fraction * 100).toFixed(0).padStart(3)}%  ` +
      `${grouped(done)}/${grouped(this.total)} steps  ${grouped(rate)} steps/s`;
    this.stream.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
