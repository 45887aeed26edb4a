/**
 * Deterministic, seeded pseudo-random numbers for the engine: synthetic datasets and mini-batch
 * sampling. The same seed gives the same numbers on every platform (integer arithmetic only,
 * then one division), so experiments are reproducible bit for bit.
 *
 * Generator: mulberry32 (Tommy Ettinger, public domain), a 32-bit state with period 2³².
 * Normal deviates: Box–Muller, cosine branch only (one normal per two uniforms), so the whole
 * state is one integer and the generator is easy to mirror in a loss snippet.
 */

/** A seeded stream of pseudo-random numbers. Its state is one 32-bit integer. */
export class Random {
  private state: number;

  constructor(seed: number) {
    // ToUint32: any seed (negative, fractional, > 2³², NaN) folds into 32 bits deterministically.
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal deviate N(0, 1) by Box–Muller: z = √(−2 ln u₁)·cos(2πu₂). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]: the logarithm stays finite
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/**
 * The seed of stream number `stream` of an experiment seeded `seed`, so that one seed drives
 * several independent streams (mini-batches, gradient noise): murmur3's 32-bit finaliser applied
 * to the seed plus the stream times the golden ratio's 32 bits. Integer arithmetic only.
 */
export function streamSeed(seed: number, stream: number): number {
  let h = ((seed >>> 0) + Math.imul(stream, 0x9e3779b9)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Draws mini-batches: `size` distinct example indices out of `n` per call, without replacement
 * within a batch, reproducibly from a seed. A partial Fisher–Yates shuffle over a persistent
 * permutation; `draw()` allocates nothing and returns the same `Int32Array` each time.
 */
export class BatchSampler {
  readonly batch: Int32Array;
  private readonly perm: Int32Array;
  private readonly random: Random;

  constructor(n: number, size: number, seed: number) {
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`BatchSampler: dataset size must be a positive integer, got ${n}`);
    const b = Math.min(Math.max(1, Math.floor(size)), n);
    this.batch = new Int32Array(b);
    this.perm = new Int32Array(n);
    for (let i = 0; i < n; i++) this.perm[i] = i;
    this.random = new Random(seed);
  }

  /** The next batch of indices (the sampler's own buffer, overwritten by the next call). */
  draw(): Int32Array {
    const perm = this.perm;
    const n = perm.length;
    const batch = this.batch;
    for (let i = 0; i < batch.length; i++) {
      const j = i + Math.floor(this.random.next() * (n - i));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      batch[i] = perm[i];
    }
    return batch;
  }
}
