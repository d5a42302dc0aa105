/**
 * The set type (Redis's t_set.c encodings). Two representations, as in Redis 7.0:
 *
 * - intset: small sets whose members are all canonical int64 decimals, kept sorted
 *   (so they iterate in ascending order, as Redis's do);
 * - hashtable: everything else. Members are kept in a Map in insertion order (the
 *   iteration order, a function of history only) whose values index a dense array of
 *   the same members, which gives SPOP/SRANDMEMBER an O(1) uniform pick; removal
 *   swaps the last array slot into the hole, again a function of history only.
 *
 * A set converts from intset to hashtable when a non-integer arrives or it grows past
 * set-max-intset-entries, and never back, except where Redis itself rebuilds a set
 * (SPOP with a count close to the size).
 */
import { parseInt64 } from '../util/numbers.js';
import type { Rng } from '../util/rng.js';
import { Intset } from './intset.js';
import type { CollectionValue, DigestView } from './value.js';

/** Redis's compiled default of set-max-intset-entries. */
export const SET_MAX_INTSET_ENTRIES_DEFAULT = 512;
/** Redis caps set-max-intset-entries at 1G entries (intset internals). */
const INTSET_ENTRIES_CAP = 1 << 30;
/** Live SSCAN cursors kept per set; the oldest is dropped past this. */
const SCAN_CURSORS_MAX = 64;

/** Member -> slot in `slots`; `slots` holds every member once, densely, for random picks. */
class MemberTable {
  private readonly index: Map<string, number>;
  private readonly slots: string[];

  constructor(index = new Map<string, number>(), slots: string[] = []) {
    this.index = index;
    this.slots = slots;
  }

  get size(): number {
    return this.slots.length;
  }

  has(member: string): boolean {
    return this.index.has(member);
  }

  add(member: string): boolean {
    if (this.index.has(member)) return false;
    this.index.set(member, this.slots.length);
    this.slots.push(member);
    return true;
  }

  remove(member: string): boolean {
    const at = this.index.get(member);
    if (at === undefined) return false;
    this.index.delete(member);
    const last = this.slots.pop() as string;
    if (at < this.slots.length) {
      this.slots[at] = last;
      // Updating an existing key keeps its place in the Map's insertion order.
      this.index.set(last, at);
    }
    return true;
  }

  slot(i: number): string {
    return this.slots[i] as string;
  }

  /** Insertion order; a live iterator that tolerates changes to the table. */
  members(): IterableIterator<string> {
    return this.index.keys();
  }

  clone(): MemberTable {
    return new MemberTable(new Map(this.index), this.slots.slice());
  }

  /** Each member's slot, in insertion order: a live iterator. */
  slotIterator(): IterableIterator<number> {
    return this.index.values();
  }

  /** Each member's slot, in insertion order. */
  slotsInOrder(): number[] {
    return Array.from(this.index.values());
  }

  /** Puts the k-th member (insertion order) in slot `slots[k]`; false unless a permutation. */
  reorderSlots(slots: readonly number[]): boolean {
    const n = this.slots.length;
    if (slots.length !== n) return false;
    const placed = new Array<string>(n);
    let k = 0;
    for (const member of this.index.keys()) {
      const at = slots[k++] as number;
      if (!(at >= 0 && at < n) || placed[at] !== undefined) return false;
      placed[at] = member;
    }
    k = 0;
    for (const member of this.index.keys()) this.index.set(member, slots[k++] as number);
    for (let i = 0; i < n; i++) this.slots[i] = placed[i] as string;
    return true;
  }
}

/** A live SSCAN: the Map iterator, and the member it read ahead (not yet answered). */
interface ScanState {
  readonly members: IterableIterator<string>;
  readonly ahead: string | undefined;
}

export class SetValue implements CollectionValue {
  readonly type = 'set' as const;
  private ints: Intset | null;
  private table: MemberTable | null;
  private scanCursors: Map<number, ScanState> | null = null;
  private nextScanCursor = 1;

  private constructor(ints: Intset | null, table: MemberTable | null) {
    this.ints = ints;
    this.table = table;
  }

  /** createIntsetObject: an empty set that starts as an intset (store commands). */
  static emptyIntset(): SetValue {
    return new SetValue(new Intset(), null);
  }

  /** createSetObject: an empty hashtable set. */
  static emptyTable(): SetValue {
    return new SetValue(null, new MemberTable());
  }

  /** setTypeCreate: the empty set that can hold `member` (an intset for an integer). */
  static forMember(member: string): SetValue {
    return parseInt64(member) === null ? SetValue.emptyTable() : SetValue.emptyIntset();
  }

  /** An intset-encoded set over a parsed intset (RDB load). */
  static ofIntset(ints: Intset): SetValue {
    return new SetValue(ints, null);
  }

  get size(): number {
    return this.ints !== null ? this.ints.size : (this.table as MemberTable).size;
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  has(member: string): boolean {
    if (this.ints === null) return (this.table as MemberTable).has(member);
    const v = parseInt64(member);
    return v !== null && this.ints.has(v);
  }

  /**
   * setTypeAdd: false if already a member. An intset converts to a hashtable on a
   * non-integer member, or when it grows past `maxIntsetEntries`.
   */
  add(member: string, maxIntsetEntries: number): boolean {
    if (this.ints === null) return (this.table as MemberTable).add(member);
    const v = parseInt64(member);
    if (v === null) return this.convertToTable().add(member);
    if (!this.ints.add(v)) return false;
    if (this.ints.size > Math.min(maxIntsetEntries, INTSET_ENTRIES_CAP)) this.convertToTable();
    return true;
  }

  /** setTypeRemove: false if not a member. */
  remove(member: string): boolean {
    if (this.ints === null) return (this.table as MemberTable).remove(member);
    const v = parseInt64(member);
    return v !== null && this.ints.remove(v);
  }

  /** A uniformly chosen member of a non-empty set, drawn from `rng`. */
  randomMember(rng: Rng): string {
    const i = rng.below(this.size);
    return this.ints !== null ? String(this.ints.at(i)) : (this.table as MemberTable).slot(i);
  }

  /** Ascending for an intset, insertion order for a hashtable. */
  members(): IterableIterator<string> {
    return this.ints !== null ? intsetMembers(this.ints) : (this.table as MemberTable).members();
  }

  /** The intset's values, or null for a hashtable set (RDB writer). */
  intsetValues(): Intset | null {
    return this.ints;
  }

  /**
   * For a hashtable, each member's slot in the random-pick array, in iteration order;
   * null for an intset. Deletes make the two orders differ; a snapshot keeps both
   * (with `restorePickSlots`), so SPOP and SRANDMEMBER pick alike on every replica.
   */
  pickSlots(): number[] | null {
    return this.table?.slotsInOrder() ?? null;
  }

  /** `pickSlots()` one at a time (a live iterator), for a snapshot written in slices. */
  pickSlotIterator(): IterableIterator<number> | null {
    return this.table?.slotIterator() ?? null;
  }

  /** Re-lays the pick array as `pickSlots()` gave it; false unless it fits this set. */
  restorePickSlots(slots: readonly number[]): boolean {
    return this.table !== null && this.table.reorderSlots(slots);
  }

  clone(): SetValue {
    return new SetValue(this.ints?.clone() ?? null, this.table?.clone() ?? null);
  }

  digestView(): DigestView {
    return { type: 'set', members: this.members() };
  }

  /**
   * One SSCAN step. An intset answers everything at once with cursor 0, as Redis does
   * for its compact encodings. A hashtable cursor names a live Map iterator, which
   * visits every member present for the whole scan exactly once, whatever is added or
   * removed meanwhile; an unknown cursor (dropped, or from before a restart) starts
   * over, so members may repeat, which SSCAN allows. Each step reads one member ahead,
   * so that a step which reaches the end answers cursor 0 at once.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const table = this.table;
    if (table === null) {
      for (const m of this.members()) visit(m);
      return 0;
    }
    const cursors = (this.scanCursors ??= new Map());
    let scan = cursor === 0 ? undefined : cursors.get(cursor);
    if (cursor !== 0) cursors.delete(cursor);
    scan ??= { members: table.members(), ahead: undefined };
    let visited = 0;
    if (scan.ahead !== undefined && table.has(scan.ahead)) {
      visit(scan.ahead);
      visited++;
    }
    for (; visited < count; visited++) {
      const next = scan.members.next();
      if (next.done === true) return 0;
      visit(next.value);
    }
    const ahead = scan.members.next();
    if (ahead.done === true) return 0;
    if (cursors.size >= SCAN_CURSORS_MAX) {
      const oldest = cursors.keys().next();
      if (oldest.done !== true) cursors.delete(oldest.value);
    }
    const id = this.nextScanCursor++;
    cursors.set(id, { members: scan.members, ahead: ahead.value });
    return id;
  }

  /**
   * For a set that replaces this one under the same key (SPOP's rebuild): new cursor
   * ids continue after this set's, so a client's old cursor starts over rather than
   * landing on another client's scan.
   */
  continueCursorIdsFrom(previous: SetValue): void {
    this.nextScanCursor = Math.max(this.nextScanCursor, previous.nextScanCursor);
  }

  /** setTypeConvert to a hashtable (an intset loaded past the configured limit). */
  convertToHashtable(): void {
    if (this.ints !== null) this.convertToTable();
  }

  /** setTypeConvert: intset to hashtable, members in ascending order. */
  private convertToTable(): MemberTable {
    const table = new MemberTable();
    if (this.ints !== null) for (const v of this.ints.values()) table.add(String(v));
    this.ints = null;
    this.table = table;
    return table;
  }
}

function* intsetMembers(ints: Intset): IterableIterator<string> {
  for (const v of ints.values()) yield String(v);
}
