/**
 * Redis's intset (intset.c): distinct int64 values kept sorted, all stored in the
 * narrowest of 16, 32 or 64 bits that fits the widest of them. The width only grows
 * (an add that needs more bits upgrades every element; removals never narrow it), as in
 * Redis.
 *
 * The serialized blob (RDB_TYPE_SET_INTSET) is little-endian:
 *   encoding (u32: 2, 4 or 8 = bytes per element) | length (u32) | elements
 */

/** Bytes per element: INTSET_ENC_INT16, _INT32, _INT64. */
export type IntsetWidth = 2 | 4 | 8;

/** An int64 value: a number when it is a safe integer, a bigint beyond. */
export type Int64 = number | bigint;

const HEADER_BYTES = 8;
const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const INITIAL_CAPACITY = 4;

/** A blob that is not a valid intset (Redis: "Intset integrity check failed"). */
export class IntsetFormatError extends Error {
  constructor(reason: string) {
    super(`corrupt intset: ${reason}`);
  }
}

/** _intsetValueEncoding: the narrowest width that holds `v`. */
export function intsetWidthOf(v: Int64): IntsetWidth {
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

type Elements = Int16Array | Int32Array | BigInt64Array;

function allocate(width: IntsetWidth, capacity: number): Elements {
  if (width === 2) return new Int16Array(capacity);
  if (width === 4) return new Int32Array(capacity);
  return new BigInt64Array(capacity);
}

/** A bigint that is a safe integer comes back as a number, so callers see one form. */
function normalize(v: Int64): Int64 {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

export class Intset {
  private width: IntsetWidth = 2;
  private data: Elements = new Int16Array(INITIAL_CAPACITY);
  private length = 0;

  get size(): number {
    return this.length;
  }

  /** Bytes per element now (the `encoding` field of the blob). */
  get encodingWidth(): IntsetWidth {
    return this.width;
  }

  /** The value at position `i` (0 <= i < size), in ascending order. */
  at(i: number): Int64 {
    return normalize(this.data[i] as Int64);
  }

  has(v: Int64): boolean {
    return intsetWidthOf(v) <= this.width && this.search(v) >= 0;
  }

  /** intsetAdd: false when `v` is already present. */
  add(v: Int64): boolean {
    if (intsetWidthOf(v) > this.width) {
      this.upgradeAndAdd(v);
      return true;
    }
    const found = this.search(v);
    if (found >= 0) return false;
    const pos = -found - 1;
    this.reserve(this.length + 1);
    this.data.copyWithin(pos + 1, pos, this.length);
    this.store(pos, v);
    this.length++;
    return true;
  }

  /** intsetRemove: false when `v` is absent. */
  remove(v: Int64): boolean {
    if (intsetWidthOf(v) > this.width) return false;
    const pos = this.search(v);
    if (pos < 0) return false;
    this.data.copyWithin(pos, pos + 1, this.length);
    this.length--;
    if (this.length > INITIAL_CAPACITY && this.length * 4 <= this.data.length) {
      this.resize(this.data.length >> 1);
    }
    return true;
  }

  *values(): IterableIterator<Int64> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  clone(): Intset {
    const copy = new Intset();
    copy.width = this.width;
    copy.data = this.data.slice(0, Math.max(this.length, INITIAL_CAPACITY));
    copy.length = this.length;
    return copy;
  }

  /** The blob Redis stores, in this intset's current width. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + this.length * this.width);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.width, true);
    view.setUint32(4, this.length, true);
    for (let i = 0; i < this.length; i++) writeElement(view, this.width, i, this.data[i] as Int64);
    return out;
  }

  /**
   * Parses a blob with intsetValidateIntegrity's deep checks: a known width, a size
   * that matches the length, at least one element, strictly ascending values.
   */
  static fromBytes(bytes: Uint8Array): Intset {
    if (bytes.length < HEADER_BYTES) throw new IntsetFormatError('short header');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = view.getUint32(0, true);
    if (width !== 2 && width !== 4 && width !== 8) throw new IntsetFormatError('bad encoding');
    const length = view.getUint32(4, true);
    if (HEADER_BYTES + length * width !== bytes.length) throw new IntsetFormatError('bad size');
    if (length === 0) throw new IntsetFormatError('empty');
    const set = new Intset();
    set.width = width;
    set.data = allocate(width, Math.max(length, INITIAL_CAPACITY));
    for (let i = 0; i < length; i++) {
      const v = readElement(view, width, i);
      if (i > 0 && v <= (set.data[i - 1] as Int64)) throw new IntsetFormatError('not ascending');
      setElement(set.data, width, i, v);
    }
    set.length = length;
    return set;
  }

  /** intsetSearch: the position of `v`, or -(insertion point) - 1 when absent. */
  private search(v: Int64): number {
    const data = this.data;
    const target = this.width === 8 ? BigInt(v) : Number(v);
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cur = data[mid] as Int64;
      if (cur < target) lo = mid + 1;
      else if (cur > target) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** intsetUpgradeAndAdd: `v` is outside every stored value's range, so it goes first or last. */
  private upgradeAndAdd(v: Int64): void {
    const width = intsetWidthOf(v);
    const grown = allocate(width, Math.max(this.length + 1, this.data.length));
    const prepend = v < 0 ? 1 : 0;
    for (let i = 0; i < this.length; i++) {
      setElement(grown, width, i + prepend, this.data[i] as Int64);
    }
    setElement(grown, width, prepend === 1 ? 0 : this.length, v);
    this.width = width;
    this.data = grown;
    this.length++;
  }

  private store(pos: number, v: Int64): void {
    setElement(this.data, this.width, pos, v);
  }

  private reserve(n: number): void {
    if (n > this.data.length) this.resize(Math.max(n, this.data.length * 2));
  }

  private resize(capacity: number): void {
    const next = allocate(this.width, capacity);
    const used = this.data.subarray(0, this.length);
    if (next instanceof BigInt64Array) next.set(used as BigInt64Array);
    else next.set(used as Int16Array | Int32Array);
    this.data = next;
  }
}

function setElement(data: Elements, width: IntsetWidth, i: number, v: Int64): void {
  if (width === 8) (data as BigInt64Array)[i] = BigInt(v);
  else (data as Int16Array | Int32Array)[i] = Number(v);
}

function readElement(view: DataView, width: IntsetWidth, i: number): Int64 {
  const at = HEADER_BYTES + i * width;
  if (width === 2) return view.getInt16(at, true);
  if (width === 4) return view.getInt32(at, true);
  return view.getBigInt64(at, true);
}

function writeElement(view: DataView, width: IntsetWidth, i: number, v: Int64): void {
  const at = HEADER_BYTES + i * width;
  if (width === 2) view.setInt16(at, Number(v), true);
  else if (width === 4) view.setInt32(at, Number(v), true);
  else view.setBigInt64(at, BigInt(v), true);
}

/**
 * The members of an intset blob as decimal strings, ascending. Throws
 * IntsetFormatError for a blob Redis's deep integrity check rejects.
 */
export function decodeIntset(bytes: Uint8Array): string[] {
  const set = Intset.fromBytes(bytes);
  const out: string[] = [];
  for (let i = 0; i < set.size; i++) out.push(String(set.at(i)));
  return out;
}

/**
 * An intset blob holding `values` (sorted and made distinct here) in the narrowest
 * width that fits them all, as Redis would have built it.
 */
export function encodeIntset(values: readonly bigint[]): Uint8Array {
  const set = new Intset();
  for (const v of values) set.add(normalize(v));
  return set.toBytes();
}
