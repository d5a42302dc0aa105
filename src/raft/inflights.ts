/**
 * The MsgApp messages in flight to one follower (etcd tracker.Inflights): a bounded
 * window by count and, optionally, by total bytes. Each message is recorded by the index
 * of its last entry; an ack frees every message up to the acked index.
 */
export class Inflights {
  /** Ring buffers, grown on demand up to `size`. */
  private indexes: number[] = [];
  private sizes: number[] = [];
  private start = 0;
  private used = 0;
  private bytes = 0;

  constructor(
    /** The maximum number of messages in flight. */
    readonly size: number,
    /** The maximum total bytes in flight; 0 is no limit. */
    readonly maxBytes: number,
  ) {}

  /** Records a message ending at `index` (greater than any recorded). Throws when full. */
  add(index: number, bytes: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights');
    let slot = this.start + this.used;
    if (slot >= this.size) slot -= this.size;
    if (slot >= this.indexes.length) this.grow();
    this.indexes[slot] = index;
    this.sizes[slot] = bytes;
    this.used++;
    this.bytes += bytes;
  }

  /** Frees the messages whose last index is <= `index`. */
  freeLE(index: number): void {
    let freed = 0;
    let freedBytes = 0;
    let slot = this.start;
    while (freed < this.used && (this.indexes[slot] ?? Infinity) <= index) {
      freedBytes += this.sizes[slot] ?? 0;
      freed++;
      slot++;
      if (slot >= this.size) slot -= this.size;
    }
    this.used -= freed;
    this.bytes -= freedBytes;
    // Restarting at 0 when empty keeps the buffer from growing needlessly.
    this.start = this.used === 0 ? 0 : slot;
  }

  full(): boolean {
    return this.used === this.size || (this.maxBytes !== 0 && this.bytes >= this.maxBytes);
  }

  count(): number {
    return this.used;
  }

  /** Bytes in flight. */
  byteCount(): number {
    return this.bytes;
  }

  reset(): void {
    this.start = 0;
    this.used = 0;
    this.bytes = 0;
  }

  clone(): Inflights {
    const copy = new Inflights(this.size, this.maxBytes);
    copy.indexes = [...this.indexes];
    copy.sizes = [...this.sizes];
    copy.start = this.start;
    copy.used = this.used;
    copy.bytes = this.bytes;
    return copy;
  }

  /** The recorded last indexes, oldest first (for tests and debugging). */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.used; i++) {
      out.push(this.indexes[(this.start + i) % this.size] ?? 0);
    }
    return out;
  }

  private grow(): void {
    const capacity = Math.min(Math.max(this.indexes.length * 2, 1), this.size);
    // The ring only wraps once the buffer has its full size, so appending slots at the
    // end keeps every recorded message where it is.
    while (this.indexes.length < capacity) {
      this.indexes.push(0);
      this.sizes.push(0);
    }
  }
}
