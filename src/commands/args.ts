/**
 * A cursor over a command's arguments for `parse` steps: `flag('NX')`, `next()`,
 * `int()`. Matching is case-insensitive, as in Redis.
 */
import { parseInt64 } from '../util/numbers.js';

export class Args {
  private i: number;

  constructor(
    readonly argv: readonly string[],
    start: number,
  ) {
    this.i = start;
  }

  get done(): boolean {
    return this.i >= this.argv.length;
  }

  get remaining(): number {
    return this.argv.length - this.i;
  }

  /** The next argument, upper-cased, without consuming it. */
  peekUpper(): string | undefined {
    return this.argv[this.i]?.toUpperCase();
  }

  /** Consumes the next argument if it equals `name` (case-insensitive). */
  flag(name: string): boolean {
    const a = this.argv[this.i];
    if (a !== undefined && a.length === name.length && a.toUpperCase() === name) {
      this.i++;
      return true;
    }
    return false;
  }

  next(): string | undefined {
    return this.i < this.argv.length ? this.argv[this.i++] : undefined;
  }

  /** The next argument as an int64, or null if missing or not an integer. */
  int(): number | bigint | null {
    const a = this.next();
    return a === undefined ? null : parseInt64(a);
  }
}
