/**
 * A simulated network carrying Raft messages between node ids. Every link (ordered pair
 * of nodes) delays, loses, duplicates and reorders messages as its options say; links can
 * be cut both ways (partitions, isolation) or one way, and nodes can be down. All of it
 * runs on the virtual scheduler and draws from one seeded rng, so a run replays exactly.
 *
 * A cut or a crash also loses the messages already in flight towards the far side, as a
 * broken TCP connection would; a message sent before its receiver restarted never reaches
 * the new incarnation.
 */
import type { Message, NodeId } from '../../src/raft/types.js';
import type { SimRng } from './rng.js';
import type { Scheduler } from './scheduler.js';

export interface LinkOptions {
  /** Delivery delay, uniform in [minDelayMs, maxDelayMs] (integers). */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Probability that a message is lost. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  readonly duplicateRate: number;
  /** Probability that a message is held back up to `reorderDelayMs` more, so later ones overtake it. */
  readonly reorderRate: number;
  readonly reorderDelayMs: number;
  /** Never deliver a message before one sent earlier on the same link (TCP-like). */
  readonly fifo: boolean;
}

export const DEFAULT_LINK: LinkOptions = {
  minDelayMs: 1,
  maxDelayMs: 5,
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayMs: 20,
  fifo: false,
};

export type DropReason = 'loss' | 'partition' | 'sender-down' | 'receiver-down' | 'no-such-node';

export type NetworkEvent =
  | { readonly kind: 'send'; readonly time: number; readonly message: Message }
  | { readonly kind: 'duplicate'; readonly time: number; readonly message: Message }
  | { readonly kind: 'deliver'; readonly time: number; readonly message: Message }
  | {
      readonly kind: 'drop';
      readonly time: number;
      readonly message: Message;
      readonly reason: DropReason;
    };

export interface NetworkStats {
  sent: number;
  delivered: number;
  duplicated: number;
  dropped: number;
  readonly droppedBy: Record<DropReason, number>;
}

export type Deliver = (message: Message) => void;

export interface NetworkOptions {
  readonly scheduler: Scheduler;
  readonly rng: SimRng;
  /** Options of every link without its own (missing fields from DEFAULT_LINK). */
  readonly link?: Partial<LinkOptions>;
  /** Called for every send, duplicate, delivery and drop, in order. */
  readonly trace?: (event: NetworkEvent) => void;
}

interface Endpoint {
  deliver: Deliver;
  up: boolean;
  /** Bumped on every restart: messages addressed to an older incarnation are lost. */
  incarnation: number;
}

/** A map keyed by an ordered pair of nodes. */
class PairMap<T> {
  private readonly rows = new Map<NodeId, Map<NodeId, T>>();

  get(from: NodeId, to: NodeId): T | undefined {
    return this.rows.get(from)?.get(to);
  }

  set(from: NodeId, to: NodeId, value: T): void {
    let row = this.rows.get(from);
    if (row === undefined) this.rows.set(from, (row = new Map()));
    row.set(to, value);
  }

  delete(from: NodeId, to: NodeId): void {
    this.rows.get(from)?.delete(to);
  }

  clear(): void {
    this.rows.clear();
  }
}

/** A short, stable description of a message for traces and failure output. */
export function describeMessage(m: Message): string {
  const entries = m.entries.length > 0 ? ` entries=${m.entries.length}` : '';
  const reject = m.reject ? ' reject' : '';
  return `g${m.group} ${m.from}->${m.to} type=${m.type} term=${m.term} logTerm=${m.logTerm} index=${m.index} commit=${m.commit}${entries}${reject}`;
}

export function describeEvent(e: NetworkEvent): string {
  const reason = e.kind === 'drop' ? ` (${e.reason})` : '';
  return `${e.time} ${e.kind}${reason} ${describeMessage(e.message)}`;
}

export class SimNetwork {
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    duplicated: 0,
    dropped: 0,
    droppedBy: { loss: 0, partition: 0, 'sender-down': 0, 'receiver-down': 0, 'no-such-node': 0 },
  };
  private readonly scheduler: Scheduler;
  private readonly rng: SimRng;
  private readonly trace: ((event: NetworkEvent) => void) | undefined;
  private defaults: LinkOptions;
  private readonly links = new PairMap<LinkOptions>();
  private readonly endpoints = new Map<NodeId, Endpoint>();
  /** The side of each node in the symmetric partition; empty when there is none. */
  private readonly sides = new Map<NodeId, number>();
  /** One-way cuts: from → to. */
  private readonly cuts = new PairMap<true>();
  private readonly isolated = new Set<NodeId>();
  /** The latest delivery time per link, for FIFO links. */
  private readonly lastDelivery = new PairMap<number>();
  private inFlightCount = 0;

  constructor(options: NetworkOptions) {
    this.scheduler = options.scheduler;
    this.rng = options.rng;
    this.trace = options.trace;
    this.defaults = { ...DEFAULT_LINK, ...options.link };
  }

  /** Messages sent (or duplicated) and not yet delivered or dropped. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Registers a node (up) and the callback that receives its messages. */
  attach(id: NodeId, deliver: Deliver): void {
    const old = this.endpoints.get(id);
    this.endpoints.set(id, { deliver, up: true, incarnation: (old?.incarnation ?? 0) + 1 });
  }

  /** Takes a node down: what it sends and what is sent or in flight to it is lost. */
  down(id: NodeId): void {
    this.endpoint(id).up = false;
  }

  /** Brings a node back as a new incarnation, optionally with a new callback. */
  up(id: NodeId, deliver?: Deliver): void {
    const endpoint = this.endpoint(id);
    endpoint.up = true;
    endpoint.incarnation++;
    if (deliver !== undefined) endpoint.deliver = deliver;
  }

  isUp(id: NodeId): boolean {
    return this.endpoints.get(id)?.up === true;
  }

  /** Sets the options of every link that has none of its own. */
  setDefaults(options: Partial<LinkOptions>): void {
    this.defaults = { ...this.defaults, ...options };
  }

  /** Sets the options of the one-way link from → to (on top of the defaults). */
  setLink(from: NodeId, to: NodeId, options: Partial<LinkOptions>): void {
    this.links.set(from, to, { ...this.linkOptions(from, to), ...options });
  }

  /** Forgets every per-link option. */
  resetLinks(): void {
    this.links.clear();
  }

  linkOptions(from: NodeId, to: NodeId): LinkOptions {
    return this.links.get(from, to) ?? this.defaults;
  }

  /**
   * Splits the nodes into sides that cannot reach each other (replacing any earlier
   * split). Nodes in no set form one more side together.
   */
  partition(...sets: readonly (readonly NodeId[])[]): void {
    this.sides.clear();
    sets.forEach((set, side) => {
      for (const id of set) {
        if (this.sides.has(id)) throw new RangeError(`node ${id} is on two sides`);
        this.sides.set(id, side);
      }
    });
  }

  /** Cuts the one-way link from → to (from's messages to `to` are lost; replies still flow). */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.set(from, to, true);
  }

  /** Restores the one-way link from → to after `cut`. */
  restore(from: NodeId, to: NodeId): void {
    this.cuts.delete(from, to);
  }

  /** Cuts every link to and from `id`. */
  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  /** Ends the isolation of `id`. */
  rejoin(id: NodeId): void {
    this.isolated.delete(id);
  }

  /** Removes every partition, cut and isolation (down nodes stay down). */
  heal(): void {
    this.sides.clear();
    this.cuts.clear();
    this.isolated.clear();
  }

  /** Whether a message sent now from → to could arrive (ignoring random loss). */
  canReach(from: NodeId, to: NodeId): boolean {
    return this.isUp(from) && this.isUp(to) && this.connected(from, to);
  }

  sendAll(messages: readonly Message[]): void {
    for (const m of messages) this.send(m);
  }

  send(m: Message): void {
    this.stats.sent++;
    this.emit('send', m);
    const reason = this.refusal(m.from, m.to);
    if (reason !== null) return this.drop(m, reason);
    const link = this.linkOptions(m.from, m.to);
    if (this.rng.chance(link.dropRate)) return this.drop(m, 'loss');
    this.dispatch(m, link);
    if (this.rng.chance(link.duplicateRate)) {
      this.stats.duplicated++;
      this.emit('duplicate', m);
      this.dispatch(m, link);
    }
  }

  private dispatch(m: Message, link: LinkOptions): void {
    const receiver = this.endpoint(m.to);
    const incarnation = receiver.incarnation;
    let delayMs = this.rng.range(link.minDelayMs, link.maxDelayMs);
    if (this.rng.chance(link.reorderRate)) delayMs += this.rng.range(1, link.reorderDelayMs);
    let time = this.scheduler.now + delayMs;
    if (link.fifo) {
      time = Math.max(time, this.lastDelivery.get(m.from, m.to) ?? 0);
      this.lastDelivery.set(m.from, m.to, time);
    }
    this.inFlightCount++;
    this.scheduler.at(time, () => {
      this.inFlightCount--;
      this.arrive(m, receiver, incarnation);
    });
  }

  private arrive(m: Message, receiver: Endpoint, incarnation: number): void {
    if (!receiver.up || receiver.incarnation !== incarnation) return this.drop(m, 'receiver-down');
    if (!this.connected(m.from, m.to)) return this.drop(m, 'partition');
    this.stats.delivered++;
    this.emit('deliver', m);
    receiver.deliver(m);
  }

  private refusal(from: NodeId, to: NodeId): DropReason | null {
    const receiver = this.endpoints.get(to);
    if (receiver === undefined) return 'no-such-node';
    if (!this.isUp(from)) return 'sender-down';
    if (!receiver.up) return 'receiver-down';
    return this.connected(from, to) ? null : 'partition';
  }

  private connected(from: NodeId, to: NodeId): boolean {
    if (from === to) return true;
    if (this.isolated.has(from) || this.isolated.has(to)) return false;
    if (this.cuts.get(from, to) === true) return false;
    if (this.sides.size === 0) return true;
    return (this.sides.get(from) ?? -1) === (this.sides.get(to) ?? -1);
  }

  private drop(m: Message, reason: DropReason): void {
    this.stats.dropped++;
    this.stats.droppedBy[reason]++;
    this.emit('drop', m, reason);
  }

  private emit(kind: NetworkEvent['kind'], message: Message, reason: DropReason = 'loss'): void {
    if (this.trace === undefined) return;
    const time = this.scheduler.now;
    this.trace(kind === 'drop' ? { kind, time, message, reason } : { kind, time, message });
  }

  private endpoint(id: NodeId): Endpoint {
    const endpoint = this.endpoints.get(id);
    if (endpoint === undefined) throw new RangeError(`node ${id} is not attached`);
    return endpoint;
  }
}
