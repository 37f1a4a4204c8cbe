/**
 * The bookkeeping every executor needs for its invocations in flight: an id per invocation,
 * its promise, its deadline, and waiting until none is left (retire). One timer serves every
 * deadline, set for the oldest: a timer per invocation costs more than the invocation's
 * bookkeeping, and with one timeout for all, start order is deadline order.
 */
import { InvocationFailure } from './executor.js';

export interface InFlightInvocation<T> {
  resolve: (value: unknown) => void;
  reject: (error: InvocationFailure) => void;
  deadline: number;
  /** What the executor keeps with it (the instance running it, …). */
  data: T;
}

export class InFlight<T> {
  private readonly entries = new Map<number, InFlightInvocation<T>>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private waiting: Array<() => void> = [];

  /** `timedOut` runs after an invocation past its deadline was rejected with a `timeout` failure. */
  constructor(
    private readonly timeoutMs: number,
    private readonly timedOut: (id: number, data: T) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** An id that no invocation uses (for pings). */
  newId(): number {
    return this.nextId++;
  }

  /** Registers an invocation, lets `send` dispatch it under its id, and returns its result's promise. */
  start(data: T, send: (id: number) => void): Promise<unknown> {
    const id = this.newId();
    return new Promise((resolve, reject) => {
      this.entries.set(id, { resolve, reject, deadline: Date.now() + this.timeoutMs, data });
      send(id);
      this.timer ??= setTimeout(this.expire, this.timeoutMs).unref();
    });
  }

  get(id: number): InFlightInvocation<T> | undefined {
    return this.entries.get(id);
  }

  /** Removes the invocation (the caller settles its promise); undefined if it had ended already. */
  end(id: number): InFlightInvocation<T> | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (this.entries.size === 0 && this.waiting.length > 0) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve();
    }
    return entry;
  }

  /**
   * Calls `then` once no invocation is in flight (at once if none is), synchronously with the
   * last one ending: an executor that retires then takes no invocation in between.
   */
  whenDrained(then: () => void): void {
    if (this.entries.size === 0) then();
    else this.waiting.push(then);
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.deadline > now) {
        this.timer = setTimeout(this.expire, entry.deadline - now).unref();
        return;
      }
      this.end(id);
      entry.reject(new InvocationFailure('timeout', `the handler did not finish within ${this.timeoutMs} ms`));
      this.timedOut(id, entry.data);
    }
  };
}

/** An idle instance, else a new one while below `max`, else the least loaded (both executors schedule so). */
export function pickInstance<I extends { inFlight: Set<number> }>(instances: readonly I[], max: number, spawn: () => I): I {
  let best: I | undefined;
  for (const instance of instances) {
    if (instance.inFlight.size === 0) return instance;
    if (!best || instance.inFlight.size < best.inFlight.size) best = instance;
  }
  if (!best || instances.length < max) return spawn();
  return best;
}
