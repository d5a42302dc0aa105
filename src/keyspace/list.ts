/**
 * The list type: a doubly linked list of nodes, each holding a run of elements, like
 * Redis's quicklist. A node is either loose (a JS array of strings: cheap to change and
 * to read) or packed (one latin1 string of length-prefixed elements: about one byte of
 * overhead per element instead of V8's ~24). The two end nodes of a list are loose, so
 * pushes and pops at either end are O(1) and allocate nothing but the element; a node
 * that stops being an end is packed, and one that becomes an end is unpacked. A small
 * list is one packed node, like Redis's listpack, repacked on each change. Elements are
 * latin1 strings (one char per byte).
 */
import type { CollectionValue, DigestView } from './value.js';

/** A node takes no more elements than this... */
const NODE_COUNT_MAX = 128;
/** ...nor, once it has one, more element bytes than this (Redis's default 8 kB nodes). */
const NODE_BYTES_MAX = 8192;
/**
 * A list this small is one packed node even though it is both ends, as Redis keeps
 * small lists in one listpack: a change unpacks and repacks it, which is cheap at this
 * size, and many small lists take a third of the memory.
 */
const SMALL_COUNT_MAX = 16;
const SMALL_BYTES_MAX = 1024;

class Node {
  /** The elements when loose; null when packed into `blob`. */
  items: string[] | null;
  /** Packed elements, each as a varint length (7 bits a char, low first) then its bytes. */
  blob = '';
  count: number;
  /** Sum of the elements' lengths. */
  bytes: number;
  prev: Node | null = null;
  next: Node | null = null;

  constructor(items: string[], bytes: number) {
    this.items = items;
    this.count = items.length;
    this.bytes = bytes;
  }

  /** The elements, without changing the node's form. */
  elements(): readonly string[] {
    return this.items ?? unpack(this.blob, this.count);
  }

  /** Makes the node loose and returns its (mutable) elements. */
  loosen(): string[] {
    if (this.items === null) {
      this.items = unpack(this.blob, this.count);
      this.blob = '';
    }
    return this.items;
  }

  pack(): void {
    // A lone element of a big node would only be copied.
    if (
      this.items === null ||
      this.count === 0 ||
      (this.count === 1 && this.bytes > NODE_BYTES_MAX)
    ) {
      return;
    }
    this.blob = pack(this.items, this.bytes);
    this.items = null;
  }

  /** Whether `s` may be among the elements: a packed node without it as a substring cannot. */
  mayContain(s: string): boolean {
    return this.items !== null || this.blob.includes(s);
  }

  /** Whether `s` fits in this node as an end node (always true for an empty node). */
  hasRoomFor(s: string): boolean {
    return (
      this.count < NODE_COUNT_MAX && (this.count === 0 || this.bytes + s.length <= NODE_BYTES_MAX)
    );
  }

  isOversized(): boolean {
    return this.count > 1 && (this.count > NODE_COUNT_MAX || this.bytes > NODE_BYTES_MAX);
  }

  copy(): Node {
    const n = new Node(this.items === null ? [] : this.items.slice(), this.bytes);
    if (this.items === null) {
      n.items = null;
      n.blob = this.blob;
    }
    n.count = this.count;
    return n;
  }
}

/** Growable scratch space for packing; dropped after a pack that needed it large. */
let scratch = Buffer.allocUnsafe(16 * 1024);
const SCRATCH_RETAINED_MAX = 256 * 1024;
/** Strings up to this length are copied by a JS loop: cheaper than a native call. */
const SHORT_CHARS_MAX = 32;

function pack(items: readonly string[], bytes: number): string {
  const need = bytes + items.length * 5;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  const buf = scratch;
  let p = 0;
  for (const s of items) {
    const len = s.length;
    let rest = len;
    while (rest >= 128) {
      buf[p++] = (rest & 127) | 128;
      rest = Math.floor(rest / 128);
    }
    buf[p++] = rest;
    if (len <= SHORT_CHARS_MAX) {
      for (let i = 0; i < len; i++) buf[p++] = s.charCodeAt(i);
    } else {
      p += buf.latin1Write(s, p, len);
    }
  }
  const blob = buf.latin1Slice(0, p);
  if (scratch.length > SCRATCH_RETAINED_MAX) scratch = Buffer.allocUnsafe(16 * 1024);
  return blob;
}

/** Reads elements of a packed blob in order. */
class BlobCursor {
  private pos = 0;

  constructor(private readonly blob: string) {}

  private length(): number {
    const blob = this.blob;
    let c = blob.charCodeAt(this.pos++);
    if (c < 128) return c;
    let len = 0;
    let scale = 1;
    while (c >= 128) {
      len += (c & 127) * scale;
      scale *= 128;
      c = blob.charCodeAt(this.pos++);
    }
    return len + c * scale;
  }

  next(): string {
    const len = this.length();
    const start = this.pos;
    this.pos += len;
    return this.blob.slice(start, this.pos);
  }

  skip(n: number): void {
    for (let i = 0; i < n; i++) {
      const len = this.length();
      this.pos += len;
    }
  }
}

function unpack(blob: string, count: number): string[] {
  const out: string[] = [];
  const cursor = new BlobCursor(blob);
  for (let i = 0; i < count; i++) out.push(cursor.next());
  return out;
}

function totalLength(items: readonly string[]): number {
  let n = 0;
  for (const s of items) n += s.length;
  return n;
}

/** Options of LPOS, already validated. */
export interface PositionQuery {
  /** 1-based rank of the first match to report; negative searches from the tail. */
  readonly rank: number;
  /** Matches to report at most; 0 = all. */
  readonly limit: number;
  /** Elements to scan at most; 0 = all. */
  readonly maxlen: number;
}

export class ListValue implements CollectionValue {
  readonly type = 'list' as const;
  private head: Node | null = null;
  private tail: Node | null = null;
  private size = 0;

  /** A list of these elements, head first. */
  static from(elements: Iterable<string>): ListValue {
    const list = new ListValue();
    for (const s of elements) list.pushTail(s);
    return list;
  }

  get length(): number {
    return this.size;
  }

  /** Redis 7.0 encodes every list as a quicklist. */
  encoding(): string {
    return 'quicklist';
  }

  pushHead(s: string): void {
    const h = this.head;
    if (h === null) {
      this.head = this.tail = new Node([s], s.length);
      this.settle(this.head);
    } else if (h.hasRoomFor(s)) {
      h.loosen().unshift(s);
      h.count++;
      h.bytes += s.length;
      this.settle(h);
    } else {
      const n = new Node([s], s.length);
      n.next = h;
      h.prev = n;
      this.head = n;
      this.settle(h);
    }
    this.size++;
  }

  pushTail(s: string): void {
    const t = this.tail;
    if (t === null) {
      this.head = this.tail = new Node([s], s.length);
      this.settle(this.tail);
    } else if (t.hasRoomFor(s)) {
      t.loosen().push(s);
      t.count++;
      t.bytes += s.length;
      this.settle(t);
    } else {
      const n = new Node([s], s.length);
      n.prev = t;
      t.next = n;
      this.tail = n;
      this.settle(t);
    }
    this.size++;
  }

  popHead(): string | undefined {
    const h = this.head;
    if (h === null) return undefined;
    const s = h.loosen().shift() as string;
    this.removed(h, s);
    return s;
  }

  popTail(): string | undefined {
    const t = this.tail;
    if (t === null) return undefined;
    const s = t.loosen().pop() as string;
    this.removed(t, s);
    return s;
  }

  private removed(node: Node, s: string): void {
    node.count--;
    node.bytes -= s.length;
    this.size--;
    if (node.count === 0) this.unlink(node);
    else this.settle(node);
  }

  /** The element at `index` (negative counts from the tail), or undefined. */
  at(index: number): string | undefined {
    const i = index < 0 ? this.size + index : index;
    if (i < 0 || i >= this.size) return undefined;
    const { node, offset } = this.locate(i);
    if (node.items !== null) return node.items[offset];
    const cursor = new BlobCursor(node.blob);
    cursor.skip(offset);
    return cursor.next();
  }

  /** Replaces the element at `index` (negative counts from the tail); false if out of range. */
  set(index: number, s: string): boolean {
    const i = index < 0 ? this.size + index : index;
    if (i < 0 || i >= this.size) return false;
    const { node, offset } = this.locate(i);
    const items = node.loosen();
    node.bytes += s.length - (items[offset] as string).length;
    items[offset] = s;
    this.settle(node);
    return true;
  }

  /** Elements `start`..`end` inclusive, head first; requires 0 <= start <= end < length. */
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start + 1);
    let k = 0;
    const found = this.locate(start);
    let node: Node | null = found.node;
    let offset = found.offset;
    while (k < out.length && node !== null) {
      const take = Math.min(node.count - offset, out.length - k);
      if (node.items !== null) {
        const items = node.items;
        for (let i = offset; i < offset + take; i++) out[k++] = items[i] as string;
      } else {
        const cursor = new BlobCursor(node.blob);
        cursor.skip(offset);
        for (let i = 0; i < take; i++) out[k++] = cursor.next();
      }
      node = node.next;
      offset = 0;
    }
    return out;
  }

  /** Removes `n` elements from the head (all of them if n >= length). */
  deleteHead(n: number): void {
    let left = Math.min(n, this.size);
    while (left > 0) {
      const h = this.head as Node;
      if (h.count <= left) {
        left -= h.count;
        this.size -= h.count;
        this.unlink(h);
      } else {
        const gone = h.loosen().splice(0, left);
        this.shrink(h, gone);
        this.settle(h);
        left = 0;
      }
    }
  }

  /** Removes `n` elements from the tail (all of them if n >= length). */
  deleteTail(n: number): void {
    let left = Math.min(n, this.size);
    while (left > 0) {
      const t = this.tail as Node;
      if (t.count <= left) {
        left -= t.count;
        this.size -= t.count;
        this.unlink(t);
      } else {
        const items = t.loosen();
        const gone = items.splice(items.length - left, left);
        this.shrink(t, gone);
        this.settle(t);
        left = 0;
      }
    }
  }

  private shrink(node: Node, gone: readonly string[]): void {
    node.count -= gone.length;
    node.bytes -= totalLength(gone);
    this.size -= gone.length;
  }

  /**
   * LINSERT: inserts `s` before or after the first element equal to `pivot`, scanning
   * from the head. False when there is no such element.
   */
  insert(pivot: string, s: string, after: boolean): boolean {
    for (let node = this.head; node !== null; node = node.next) {
      if (!node.mayContain(pivot)) continue;
      const i = node.elements().indexOf(pivot);
      if (i === -1) continue;
      node.loosen().splice(after ? i + 1 : i, 0, s);
      node.count++;
      node.bytes += s.length;
      this.size++;
      if (node.isOversized()) this.split(node);
      else this.settle(node);
      return true;
    }
    return false;
  }

  /** Splits a node in two halves, each then packed unless it is an end. */
  private split(node: Node): void {
    const items = node.loosen();
    const moved = items.splice(items.length >> 1);
    const movedBytes = totalLength(moved);
    const n = new Node(moved, movedBytes);
    node.count = items.length;
    node.bytes -= movedBytes;
    n.prev = node;
    n.next = node.next;
    if (node.next === null) this.tail = n;
    else node.next.prev = n;
    node.next = n;
    this.settle(node);
    this.settle(n);
  }

  /**
   * LREM: removes elements equal to `value`, at most `count` of them from the head
   * (count > 0), from the tail (count < 0), or all (0). Returns how many went.
   */
  remove(value: string, count: number): number {
    const fromTail = count < 0;
    const limit = Math.abs(count);
    let removed = 0;
    let node = fromTail ? this.tail : this.head;
    while (node !== null && (limit === 0 || removed < limit)) {
      const following: Node | null = fromTail ? node.prev : node.next;
      if (node.mayContain(value) && node.elements().includes(value)) {
        removed += this.removeFromNode(
          node,
          value,
          limit === 0 ? Infinity : limit - removed,
          fromTail,
        );
      }
      node = following;
    }
    return removed;
  }

  private removeFromNode(node: Node, value: string, quota: number, fromTail: boolean): number {
    const items = node.loosen();
    let removed = 0;
    if (fromTail) {
      for (let i = items.length - 1; i >= 0 && removed < quota; i--) {
        if (items[i] === value) {
          items.splice(i, 1);
          removed++;
        }
      }
    } else {
      for (let i = 0; i < items.length && removed < quota;) {
        if (items[i] === value) {
          items.splice(i, 1);
          removed++;
        } else {
          i++;
        }
      }
    }
    node.count -= removed;
    node.bytes -= removed * value.length;
    this.size -= removed;
    if (node.count === 0) this.unlink(node);
    else this.settle(node);
    return removed;
  }

  /** LPOS: indexes (from the head) of the matches `query` selects. */
  positions(value: string, query: PositionQuery): number[] {
    const fromTail = query.rank < 0;
    const rank = Math.abs(query.rank);
    const out: number[] = [];
    let scanned = 0;
    let matches = 0;
    for (let node = fromTail ? this.tail : this.head; node !== null;) {
      if (query.maxlen !== 0 && scanned >= query.maxlen) break;
      if (!node.mayContain(value)) {
        scanned += node.count;
      } else {
        const items = node.elements();
        for (let k = 0; k < items.length; k++, scanned++) {
          if (query.maxlen !== 0 && scanned >= query.maxlen) return out;
          if (items[fromTail ? items.length - 1 - k : k] !== value) continue;
          if (++matches < rank) continue;
          out.push(fromTail ? this.size - 1 - scanned : scanned);
          if (query.limit !== 0 && out.length >= query.limit) return out;
        }
      }
      node = fromTail ? node.prev : node.next;
    }
    return out;
  }

  /** The node holding element `i` (0 <= i < length) and its offset there. */
  private locate(i: number): { node: Node; offset: number } {
    if (i < this.size >> 1) {
      let node = this.head as Node;
      let offset = i;
      while (offset >= node.count) {
        offset -= node.count;
        node = node.next as Node;
      }
      return { node, offset };
    }
    let node = this.tail as Node;
    let fromEnd = this.size - 1 - i;
    while (fromEnd >= node.count) {
      fromEnd -= node.count;
      node = node.prev as Node;
    }
    return { node, offset: node.count - 1 - fromEnd };
  }

  /** Takes an empty node out; a node that becomes an end is unpacked unless small. */
  private unlink(node: Node): void {
    const { prev, next } = node;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.prev = node.next = null;
    const { head, tail } = this;
    if (head === null || tail === null) return;
    if (this.isSmall(head)) {
      head.pack();
    } else {
      head.loosen();
      tail.loosen();
    }
  }

  private isSmall(node: Node): boolean {
    return (
      node === this.head &&
      node === this.tail &&
      node.count <= SMALL_COUNT_MAX &&
      node.bytes <= SMALL_BYTES_MAX
    );
  }

  /** After a change to `node`: packs it unless it is an end of a list that is not small. */
  private settle(node: Node): void {
    if ((node !== this.head && node !== this.tail) || this.isSmall(node)) node.pack();
  }

  /** How many nodes `chunks()` yields (RDB writing: the count comes first). */
  get chunkCount(): number {
    let n = 0;
    for (let node = this.head; node !== null; node = node.next) n++;
    return n;
  }

  /** The elements head to tail, node by node (RDB writing). */
  *chunks(): Generator<readonly string[]> {
    for (let node = this.head; node !== null; node = node.next) yield node.elements();
  }

  *values(): Generator<string> {
    for (const chunk of this.chunks()) yield* chunk;
  }

  clone(): ListValue {
    const copy = new ListValue();
    let last: Node | null = null;
    for (let node = this.head; node !== null; node = node.next) {
      const n = node.copy();
      n.prev = last;
      if (last === null) copy.head = n;
      else last.next = n;
      last = n;
    }
    copy.tail = last;
    copy.size = this.size;
    return copy;
  }

  digestView(): DigestView {
    return { type: 'list', elements: this.values() };
  }
}
