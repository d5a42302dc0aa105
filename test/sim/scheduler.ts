/**
 * The simulator's virtual clock and event queue. Time is in milliseconds and moves only
 * when an event runs; events due at the same time run in the order they were scheduled,
 * so a run is a function of its seed alone. Nothing here reads a real clock.
 */

/** A scheduled callback that can still be called off. */
export interface Timer {
  /** Stops the callback from running (again); harmless when it already ran. */
  cancel(): void;
  /** True until the timer ran (one-shot) or was cancelled. */
  readonly active: boolean;
}

class Event implements Timer {
  done = false;

  constructor(
    private readonly scheduler: Scheduler,
    readonly time: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  get active(): boolean {
    return !this.done;
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.scheduler.forget();
  }
}

class RepeatingTimer implements Timer {
  private current: Timer | null = null;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly periodMs: number,
    private readonly fn: () => void,
  ) {}

  get active(): boolean {
    return !this.stopped;
  }

  start(firstDelayMs: number): void {
    this.current = this.scheduler.schedule(firstDelayMs, () => this.fire());
  }

  cancel(): void {
    this.stopped = true;
    this.current?.cancel();
  }

  private fire(): void {
    // Re-arm first, so that a callback that cancels its own timer stops it for good.
    this.start(this.periodMs);
    this.fn();
  }
}

/** Thrown when a run does not settle within its event budget (a livelock, or `every`). */
export class SchedulerBudgetError extends Error {}

const DEFAULT_MAX_EVENTS = 10_000_000;

function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

export class Scheduler {
  private nowMs: number;
  private seq = 0;
  private live = 0;
  private readonly heap: Event[] = [];
  /** Events run so far (cancelled ones excluded). */
  executed = 0;

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  /** The virtual time in ms. */
  get now(): number {
    return this.nowMs;
  }

  /** Scheduled events not yet run or cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Runs `fn` `delayMs` (>= 0) after now. */
  schedule(delayMs: number, fn: () => void): Timer {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new RangeError(`delay ${delayMs}`);
    return this.push(this.nowMs + delayMs, fn);
  }

  /** Runs `fn` at the absolute virtual time `timeMs` (not in the past). */
  at(timeMs: number, fn: () => void): Timer {
    if (!(timeMs >= this.nowMs) || !Number.isFinite(timeMs)) {
      throw new RangeError(`time ${timeMs} is before now (${this.nowMs})`);
    }
    return this.push(timeMs, fn);
  }

  /** Runs `fn` every `periodMs` (> 0), first after `firstDelayMs`, until cancelled. */
  every(periodMs: number, fn: () => void, firstDelayMs = periodMs): Timer {
    if (!(periodMs > 0)) throw new RangeError(`period ${periodMs}`);
    const timer = new RepeatingTimer(this, periodMs, fn);
    timer.start(firstDelayMs);
    return timer;
  }

  /** The time of the next event, or null when there is none. */
  nextTime(): number | null {
    this.dropCancelled();
    const top = this.heap[0];
    return top === undefined ? null : top.time;
  }

  /** Runs the next event (moving the clock to its time); false when there is none. */
  step(): boolean {
    this.dropCancelled();
    const event = this.pop();
    if (event === undefined) return false;
    this.nowMs = event.time;
    event.done = true;
    this.live--;
    this.executed++;
    event.fn();
    return true;
  }

  /** Runs every event due at or before `timeMs`, then sets the clock to `timeMs`. */
  runUntil(timeMs: number, maxEvents = DEFAULT_MAX_EVENTS): number {
    if (timeMs < this.nowMs) throw new RangeError(`time ${timeMs} is before now (${this.nowMs})`);
    let ran = 0;
    for (let next = this.nextTime(); next !== null && next <= timeMs; next = this.nextTime()) {
      if (ran++ >= maxEvents)
        throw new SchedulerBudgetError(`more than ${maxEvents} events before ${timeMs}`);
      this.step();
    }
    this.nowMs = timeMs;
    return ran;
  }

  /** Runs for `durationMs` of virtual time. */
  runFor(durationMs: number, maxEvents = DEFAULT_MAX_EVENTS): number {
    return this.runUntil(this.nowMs + durationMs, maxEvents);
  }

  /** Runs until no event is left; throws after `maxEvents` (repeating timers never end). */
  runUntilIdle(maxEvents = DEFAULT_MAX_EVENTS): number {
    let ran = 0;
    while (this.live > 0) {
      if (ran++ >= maxEvents)
        throw new SchedulerBudgetError(`still busy after ${maxEvents} events`);
      this.step();
    }
    return ran;
  }

  /** Runs events while `condition()` holds and events remain; true when it stopped holding. */
  runWhile(condition: () => boolean, maxEvents = DEFAULT_MAX_EVENTS): boolean {
    for (let ran = 0; condition(); ran++) {
      if (ran >= maxEvents)
        throw new SchedulerBudgetError(`condition still true after ${maxEvents} events`);
      if (!this.step()) return false;
    }
    return true;
  }

  /** @internal Called by a cancelled event. */
  forget(): void {
    this.live--;
  }

  private push(time: number, fn: () => void): Event {
    const event = new Event(this, time, this.seq++, fn);
    this.live++;
    const heap = this.heap;
    let i = heap.push(event) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as Event;
      if (!before(event, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.done === true) this.pop();
  }

  private pop(): Event | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[right] as Event, heap[left] as Event) ? right : left;
      const smaller = heap[child] as Event;
      if (!before(smaller, last)) break;
      heap[i] = smaller;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
