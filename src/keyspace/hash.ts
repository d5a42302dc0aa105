/**
 * The hash type (the object layer of Redis's t_hash.c), in Redis's two encodings:
 *
 * - listpack: every field and value packed into one latin1 string, each element as a
 *   varint length then its bytes, pairs in insertion order. A small hash then costs one
 *   V8 string rather than two per pair; lookups scan it, as Redis scans its listpack.
 * - hashtable: a Map from field to pair number, plus one array holding fields and values
 *   interleaved, which is the iteration order: insertion order until a delete moves the
 *   last pair into the hole. The array gives O(1) random picks (HRANDFIELD) and a
 *   stateless HSCAN cursor.
 *
 * Conversion is one way, listpack to hashtable, when a write goes past
 * hash-max-listpack-entries or brings an element longer than hash-max-listpack-value,
 * as in Redis. Iteration order is a function of the hash's history only, and RDB
 * payloads (hash-rdb.ts) keep it, so seeded picks and HSCAN cursors agree on every
 * replica, before and after a snapshot.
 */
import type { CollectionValue, DigestView } from './value.js';

/** The thresholds a write converts at (hash-max-listpack-entries / -value). */
export interface HashLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValue: number;
}

/** Redis 7.0.15's compiled defaults. */
export const DEFAULT_HASH_LIMITS: HashLimits = Object.freeze({
  maxListpackEntries: 512,
  maxListpackValue: 64,
});

/**
 * Redis converts a listpack that would grow past 1 GiB (lpSafeToAdd); a JS string holds
 * at most 2^29 - 24 chars, so the packed form stops well before that.
 */
const PACKED_LENGTH_MAX = (1 << 29) - (1 << 20);

/** Chars of the varint length prefix of an element of `n` bytes (7 bits a char). */
function headerLength(n: number): number {
  let chars = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    chars++;
  }
  return chars;
}

function encodeElement(s: string): string {
  let n = s.length;
  let header = '';
  while (n >= 0x80) {
    header += String.fromCharCode((n & 0x7f) | 0x80);
    n = Math.floor(n / 0x80);
  }
  return header + String.fromCharCode(n) + s;
}

/** The byte length of the element whose header starts at `pos`. */
function elementLength(packed: string, pos: number): number {
  let n = 0;
  let scale = 1;
  while (true) {
    const c = packed.charCodeAt(pos++);
    n += (c & 0x7f) * scale;
    if (c < 0x80) return n;
    scale *= 0x80;
  }
}

/** Where the element after the one at `pos` starts. */
function nextElement(packed: string, pos: number): number {
  const n = elementLength(packed, pos);
  return pos + headerLength(n) + n;
}

function elementText(packed: string, pos: number): string {
  const n = elementLength(packed, pos);
  const start = pos + headerLength(n);
  return packed.slice(start, start + n);
}

export class HashValue implements CollectionValue {
  readonly type = 'hash';
  /** The listpack form: length-prefixed field, value, field, value, ... */
  private packed = '';
  private packedPairs = 0;
  /** The hashtable form (null while a listpack): field -> pair number in `pairs`. */
  private index: Map<string, number> | null = null;
  /** The hashtable form's fields and values: pair i is pairs[2i], pairs[2i + 1]. */
  private pairs: string[] = [];

  /** A hash of the given interleaved fields and values, which must be distinct fields. */
  static fromPairs(elements: readonly string[], hashtable: boolean): HashValue {
    const hash = new HashValue();
    if (hashtable) {
      hash.index = new Map();
      for (let i = 0; i + 1 < elements.length; i += 2) {
        hash.index.set(elements[i] as string, i / 2);
        hash.pairs.push(elements[i] as string, elements[i + 1] as string);
      }
    } else {
      hash.packed = elements.map(encodeElement).join('');
      hash.packedPairs = elements.length >> 1;
    }
    return hash;
  }

  get size(): number {
    return this.index === null ? this.packedPairs : this.index.size;
  }

  encoding(): 'listpack' | 'hashtable' {
    return this.index === null ? 'listpack' : 'hashtable';
  }

  get(field: string): string | undefined {
    if (this.index !== null) {
      const i = this.index.get(field);
      return i === undefined ? undefined : this.pairs[2 * i + 1];
    }
    const pos = this.findPacked(field);
    return pos < 0 ? undefined : elementText(this.packed, nextElement(this.packed, pos));
  }

  has(field: string): boolean {
    return this.index !== null ? this.index.has(field) : this.findPacked(field) >= 0;
  }

  /**
   * Redis's hashTypeTryConversion: before a write of the strings argv[from..], goes to
   * a hashtable if any is longer than the value limit or the listpack would grow too big.
   */
  prepareFor(argv: readonly string[], from: number, limits: HashLimits): void {
    if (this.index !== null) return;
    let sum = 0;
    for (let i = from; i < argv.length; i++) {
      const n = (argv[i] as string).length;
      if (n > limits.maxListpackValue) return this.convert();
      sum += n;
    }
    if (this.packed.length + sum > PACKED_LENGTH_MAX) this.convert();
  }

  /** Redis's hashTypeSet: adds or overwrites; true when the field is new. */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.index === null) {
      const tooLong =
        field.length > limits.maxListpackValue ||
        value.length > limits.maxListpackValue ||
        this.packed.length + field.length + value.length + 10 > PACKED_LENGTH_MAX;
      if (!tooLong) return this.setPacked(field, value, limits);
      this.convert();
    }
    return this.setTable(field, value);
  }

  /** True when the field was there. */
  delete(field: string): boolean {
    if (this.index === null) {
      const pos = this.findPacked(field);
      if (pos < 0) return false;
      const end = nextElement(this.packed, nextElement(this.packed, pos));
      this.packed = this.packed.slice(0, pos) + this.packed.slice(end);
      this.packedPairs--;
      return true;
    }
    const i = this.index.get(field);
    if (i === undefined) return false;
    const last = this.pairs.length / 2 - 1;
    if (i !== last) {
      const moved = this.pairs[2 * last] as string;
      this.pairs[2 * i] = moved;
      this.pairs[2 * i + 1] = this.pairs[2 * last + 1] as string;
      this.index.set(moved, i);
    }
    this.pairs.length -= 2;
    this.index.delete(field);
    return true;
  }

  /**
   * Fields and values interleaved, in iteration order. For a hashtable this is the live
   * internal array: read it before the next write, never change it.
   */
  pairsView(): readonly string[] {
    if (this.index !== null) return this.pairs;
    const out: string[] = [];
    let pos = 0;
    for (let i = 0; i < 2 * this.packedPairs; i++) {
      out.push(elementText(this.packed, pos));
      pos = nextElement(this.packed, pos);
    }
    return out;
  }

  /** Fields and values interleaved in iteration order, in a new array. */
  toPairs(): string[] {
    const view = this.pairsView();
    return this.index === null ? (view as string[]) : view.slice();
  }

  /**
   * One HSCAN step over fields and values. A listpack is returned whole with cursor 0,
   * as Redis does. A hashtable is walked from its last pair down: a delete only moves
   * the last pair, which is already visited, and new pairs land there too, so every
   * pair present for the whole scan is visited at least once with no state kept. The
   * cursor is one more than the next pair to visit; 0 starts and ends a scan.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const pairs = this.pairsView();
    const n = pairs.length / 2;
    if (this.index === null) {
      for (let i = 0; i < n; i++) visit(pairs[2 * i] as string, pairs[2 * i + 1] as string);
      return 0;
    }
    let i = cursor === 0 ? n - 1 : Math.min(cursor - 1, n - 1);
    for (let visited = 0; i >= 0 && visited < count; i--, visited++) {
      visit(pairs[2 * i] as string, pairs[2 * i + 1] as string);
    }
    return i < 0 ? 0 : i + 1;
  }

  clone(): HashValue {
    const copy = new HashValue();
    copy.packed = this.packed;
    copy.packedPairs = this.packedPairs;
    if (this.index !== null) {
      copy.index = new Map(this.index);
      copy.pairs = this.pairs.slice();
    }
    return copy;
  }

  digestView(): DigestView {
    return { type: 'hash', fields: iteratePairs(this.toPairs()) };
  }

  /**
   * Where the field's element starts in the packed string, or -1. The hot loop of every
   * listpack command: one-char headers (elements under 128 bytes) are read inline, and
   * the last byte is compared before the whole element.
   */
  private findPacked(field: string): number {
    const packed = this.packed;
    const want = field.length;
    const last = want === 0 ? -1 : field.charCodeAt(want - 1);
    let pos = 0;
    while (pos < packed.length) {
      let n = packed.charCodeAt(pos);
      let start = pos + 1;
      if (n >= 0x80) {
        n = elementLength(packed, pos);
        start = pos + headerLength(n);
      }
      if (
        n === want &&
        (want === 0 || packed.charCodeAt(start + n - 1) === last) &&
        packed.startsWith(field, start)
      ) {
        return pos;
      }
      const valuePos = start + n;
      const m = packed.charCodeAt(valuePos);
      pos = m < 0x80 ? valuePos + 1 + m : nextElement(packed, valuePos);
    }
    return -1;
  }

  private setPacked(field: string, value: string, limits: HashLimits): boolean {
    const pos = this.findPacked(field);
    if (pos >= 0) {
      const valuePos = nextElement(this.packed, pos);
      const end = nextElement(this.packed, valuePos);
      this.packed = this.packed.slice(0, valuePos) + encodeElement(value) + this.packed.slice(end);
      return false;
    }
    this.packed += encodeElement(field) + encodeElement(value);
    this.packedPairs++;
    if (this.packedPairs > limits.maxListpackEntries) this.convert();
    return true;
  }

  private setTable(field: string, value: string): boolean {
    const index = this.index as Map<string, number>;
    const i = index.get(field);
    if (i !== undefined) {
      this.pairs[2 * i + 1] = value;
      return false;
    }
    index.set(field, this.pairs.length / 2);
    this.pairs.push(field, value);
    return true;
  }

  /**
   * Listpack to hashtable. The elements are copied out through one Buffer so that none
   * is a V8 slice keeping the old packed string alive.
   */
  private convert(): void {
    const bytes = Buffer.from(this.packed, 'latin1');
    const index = new Map<string, number>();
    const pairs: string[] = [];
    let pos = 0;
    for (let i = 0; i < 2 * this.packedPairs; i++) {
      const n = elementLength(this.packed, pos);
      const start = pos + headerLength(n);
      pairs.push(bytes.latin1Slice(start, start + n));
      if (i % 2 === 0) index.set(pairs[i] as string, i / 2);
      pos = start + n;
    }
    this.index = index;
    this.pairs = pairs;
    this.packed = '';
    this.packedPairs = 0;
  }
}

function* iteratePairs(pairs: readonly string[]): Generator<readonly [string, string]> {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    yield [pairs[i] as string, pairs[i + 1] as string];
  }
}
