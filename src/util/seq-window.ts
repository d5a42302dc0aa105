/**
 * Values under consecutive 32-bit sequence numbers, added in order and removed in
 * roughly the same order (a node's proposals awaiting their entries): a sliding array
 * window, O(1) per operation.
 *
 * It replaces a Map because of the garbage collector: a Map that churns rehashes now
 * and then, and a rehashed-away table that had reached the old generation still points
 * at the values it held, so they (and all they reference: callbacks, argument arrays)
 * outlive every young-generation collection until the next full one. Here, a removed
 * value's slot is cleared at once and a dropped array is emptied first.
 */
export class SeqWindow<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  /** The sequence number of items[head]. */
  private headSeq: number;
  private count = 0;

  /** `firstSeq`: the number the first value added gets. */
  constructor(firstSeq = 1) {
    this.headSeq = firstSeq >>> 0;
  }

  get size(): number {
    return this.count;
  }

  /** The sequence number of the oldest value held (nextSeq when empty). */
  get firstSeq(): number {
    return this.headSeq;
  }

  /** The sequence number the next value added gets. */
  get nextSeq(): number {
    return (this.headSeq + this.items.length - this.head) >>> 0;
  }

  /** Adds `value` under `nextSeq` and returns that number. */
  add(value: T): number {
    const seq = this.nextSeq;
    this.items.push(value);
    this.count++;
    return seq;
  }

  get(seq: number): T | undefined {
    const at = this.slot(seq);
    return at < 0 ? undefined : this.items[at];
  }

  /** Removes the value under `seq`; returns it (undefined if none was there). */
  delete(seq: number): T | undefined {
    const at = this.slot(seq);
    if (at < 0) return undefined;
    const value = this.items[at];
    if (value === undefined) return undefined;
    this.items[at] = undefined;
    this.count--;
    if (at === this.head) this.dropConsumed();
    return value;
  }

  /** The values in sequence order, with their numbers; deleting the current one is allowed. */
  *entries(): IterableIterator<[number, T]> {
    for (let seq = this.headSeq; ; seq = (seq + 1) >>> 0) {
      const at = this.slot(seq);
      if (at < 0) return;
      const value = this.items[at];
      if (value !== undefined) yield [seq, value];
    }
  }

  private slot(seq: number): number {
    const offset = (seq - this.headSeq) >>> 0;
    const at = this.head + offset;
    return at < this.items.length ? at : -1;
  }

  private dropConsumed(): void {
    const items = this.items;
    let head = this.head;
    while (head < items.length && items[head] === undefined) head++;
    this.headSeq = (this.headSeq + head - this.head) >>> 0;
    this.head = head;
    if (head === items.length) {
      this.items = [];
      this.head = 0;
    } else if (head >= 1024 && head * 2 >= items.length) {
      this.items = items.slice(head);
      this.head = 0;
    } else {
      return;
    }
    items.length = 0;
  }
}
