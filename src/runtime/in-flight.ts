/**
 * The bookkeeping every executor needs for its invocations in flight: an id per invocation,
 * the callback that learns how it ended, its deadline, and waiting until none is left (retire).
 * One timer serves every deadline, set for the earliest: a timer per invocation costs more than
 * the invocation's bookkeeping.
 *
 * An invocation queued behind another of its sequence (sequences.ts) is *waiting*: it has no
 * deadline until `begin`, as its timeout counts from its own start.
 */
import { InvocationFailure, type Completion } from './executor.js';
import { IdTable } from './id-table.js';

export interface InFlightInvocation<T> {
  readonly id: number;
  done: Completion;
  deadline: number;
  /** What the executor keeps with it (the instance running it, …). */
  data: T;
}

export class InFlight<T> {
  /** Started invocations; the timer is set for the earliest deadline among them. */
  private readonly timed = new IdTable<InFlightInvocation<T>>();
  private readonly waiting = new IdTable<InFlightInvocation<T>>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private drained: Array<() => void> = [];

  /** `timedOut` runs after an invocation past its deadline was answered with a `timeout` failure. */
  constructor(
    private readonly timeoutMs: number,
    private readonly timedOut: (id: number, data: T) => void,
  ) {}

  get size(): number {
    return this.timed.size + this.waiting.size;
  }

  /** An id that no invocation uses (for pings). */
  newId(): number {
    return this.nextId++;
  }

  /** Registers an invocation and returns its id; a `waiting` one gets its deadline at `begin`. */
  start(data: T, done: Completion, waiting = false): number {
    const id = this.nextId++;
    if (waiting) {
      this.waiting.set(id, { id, done, deadline: Infinity, data });
    } else {
      this.timed.set(id, { id, done, deadline: Date.now() + this.timeoutMs, data });
      this.timer ??= setTimeout(this.expire, this.timeoutMs).unref();
    }
    return id;
  }

  /** A waiting invocation starts now: its timeout counts from here. */
  begin(id: number): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.waiting.delete(id);
    entry.deadline = Date.now() + this.timeoutMs;
    this.timed.set(id, entry);
    this.timer ??= setTimeout(this.expire, this.timeoutMs).unref();
  }

  /** Removes the invocation (the caller calls its `done`); undefined if it had ended already. */
  end(id: number): InFlightInvocation<T> | undefined {
    let entry = this.timed.get(id);
    if (entry) this.timed.delete(id);
    else if ((entry = this.waiting.get(id))) this.waiting.delete(id);
    else return undefined;
    if (this.drained.length > 0 && this.size === 0) {
      const drained = this.drained;
      this.drained = [];
      for (const then of drained) then();
    }
    return entry;
  }

  /**
   * Calls `then` once no invocation is in flight (at once if none is), synchronously with the
   * last one ending: an executor that retires then takes no invocation in between.
   */
  whenDrained(then: () => void): void {
    if (this.size === 0) then();
    else this.drained.push(then);
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = Date.now();
    let earliest = Infinity;
    // A scan of all: it runs once per timeout period while invocations finish in time.
    for (const entry of this.timed.values()) {
      if (entry.deadline > now) {
        earliest = Math.min(earliest, entry.deadline);
        continue;
      }
      // Ended meanwhile by an earlier one's callbacks (the scan is of a copy): already answered.
      if (!this.end(entry.id)) continue;
      entry.done(new InvocationFailure('timeout', `the handler did not finish within ${this.timeoutMs} ms`));
      this.timedOut(entry.id, entry.data);
    }
    // One that began meanwhile (a `timedOut` releases the next of its sequence) set a timer for
    // a full timeout from now, no earlier than `earliest`.
    if (earliest !== Infinity) {
      clearTimeout(this.timer);
      this.timer = setTimeout(this.expire, earliest - now).unref();
    }
  };
}

/** An idle instance, else a new one while below `max`, else the least loaded (both executors schedule so). */
export function pickInstance<I extends { inFlight: { readonly size: number } }>(instances: readonly I[], max: number, spawn: () => I): I {
  let best: I | undefined;
  for (const instance of instances) {
    if (instance.inFlight.size === 0) return instance;
    if (!best || instance.inFlight.size < best.inFlight.size) best = instance;
  }
  if (!best || instances.length < max) return spawn();
  return best;
}
