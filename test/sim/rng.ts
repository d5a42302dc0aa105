/**
 * The simulator's only source of randomness: a seeded PRNG (the project's sfc32 in
 * src/util/rng.ts) with the draws a simulation needs. Every choice of a run (delays,
 * drops, crashes, client operations) comes from one of these, so a seed replays a run
 * exactly. Independent parts of the world take their own stream with `fork()`, so that
 * adding draws in one part does not shift the choices of another.
 */
import { Rng } from '../../src/util/rng.js';

const TWO_32 = 4294967296;

/** Folds any safe integer seed into the 32 bits sfc32 takes, keeping the high bits. */
export function seed32(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer: ${seed}`);
  const magnitude = Math.abs(seed);
  const low = magnitude % TWO_32;
  const high = Math.floor(magnitude / TWO_32) + (seed < 0 ? 0x80000 : 0);
  return (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

export class SimRng {
  private readonly rng: Rng;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed;
    this.rng = new Rng(seed32(seed));
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    return this.rng.nextUint32();
  }

  /** A float in [0, 1). */
  float(): number {
    return this.rng.next();
  }

  /** An integer in [0, n); n is a positive integer below 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_32) throw new RangeError(`int(${n})`);
    return this.rng.below(n);
  }

  /** An integer in [min, max], both included. */
  range(min: number, max: number): number {
    if (max < min) throw new RangeError(`range(${min}, ${max})`);
    return min + this.int(max - min + 1);
  }

  /** True with probability p (never for p <= 0, always for p >= 1). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[this.int(items.length)] as T;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }

  /** An independent stream whose seed is drawn from this one. */
  fork(): SimRng {
    return new SimRng(this.uint32() * 2048 + this.int(2048));
  }
}
