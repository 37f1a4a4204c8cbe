/**
 * Runs due deliveries (storage/topics.ts) on their subscribers, at least once each.
 *
 * Woken right after a publish commits, after each delivery settles, and by one timer set
 * for the earliest retry. Each subscriber has its own bound on deliveries in flight, and
 * the store is asked per subscriber, so a backlog or a failing subscriber never holds up
 * another one; a failed delivery is retried later while newer messages go ahead.
 *
 * The subscribers that have deliveries are kept in memory (read from the store once, then
 * told by each publish), so a pass costs one indexed query per such subscriber, whatever
 * the size of the backlog.
 */
import { chunkOf, type LogStore } from '../../storage/logs.js';
import type { Delivery, SubscriberRef, TopicStore } from '../../storage/topics.js';
import type { ProjectLookup } from '../../server/live-project.js';
import { retryDelay, type RetryPolicy } from './backoff.js';
import { IdTable } from '../../runtime/id-table.js';

export interface DispatcherOptions {
  retry: RetryPolicy;
  /** Deliveries in flight per subscriber. */
  maxInFlight: number;
  /** How long a taken delivery is not handed out again: past the handler timeout. */
  leaseMs: number;
}

/** Retention is checked at most this often: a scan for old deliveries is not per message work. */
const RETENTION_CHECK_MS = 60_000;

export class TopicDispatcher {
  /** Deliveries running, by id: a table of ids, as every table that churns per message (id-table.ts). */
  private readonly running = new IdTable<true>();
  /** Subscribers that may have deliveries; undefined until read from the store. */
  private waiting: Map<string, SubscriberRef> | undefined;
  private readonly inFlight = new Map<string, number>();
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private lastRetentionCheck = 0;
  private stopped = false;
  /** A short retention (tests, or a user who wants failures gone fast) is checked more often. */
  private readonly retentionCheckMs: number;

  constructor(
    private readonly store: TopicStore,
    private readonly projects: ProjectLookup,
    private readonly logs: LogStore,
    private readonly options: DispatcherOptions,
  ) {
    this.retentionCheckMs = Math.max(10, Math.min(RETENTION_CHECK_MS, options.retry.retentionMs / 4));
  }

  /** Look for due deliveries soon (coalesced: one pass per turn of the event loop). */
  wake(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** These subscribers were just given deliveries (a publish). */
  add(subscribers: readonly SubscriberRef[]): void {
    if (!this.waiting) return; // the first pass reads them all from the store
    for (const subscriber of subscribers) this.waiting.set(keyOf(subscriber), subscriber);
  }

  /** Stops starting deliveries. Running ones finish or not; unfinished ones run again after a restart. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    try {
      if (now - this.lastRetentionCheck >= this.retentionCheckMs) this.dropExpired(now);
      this.waiting ??= new Map(this.store.subscribersWithDeliveries().map((subscriber) => [keyOf(subscriber), subscriber]));
      for (const [key, subscriber] of this.waiting) {
        const busy = this.inFlight.get(key) ?? 0;
        const room = this.options.maxInFlight - busy;
        if (room <= 0) continue;
        const deliveries = this.store.take(subscriber, now, room, this.options.leaseMs);
        for (const delivery of deliveries) {
          // `topics retry` can make a running delivery due again: it still runs once at a time.
          if (!this.running.has(delivery.id)) void this.run(delivery, key);
        }
        if (deliveries.length === 0 && busy === 0 && !this.store.hasDeliveries(subscriber)) this.waiting.delete(key);
      }
      this.scheduleNext(now);
    } catch (error) {
      // Storage trouble (disk full) must not take the server down; the timer tries again.
      process.emitWarning(`topic dispatch failed: ${error instanceof Error ? error.message : String(error)}`);
      this.schedule(now + 1000);
    }
  }

  private async run(delivery: Delivery, key: string): Promise<void> {
    this.running.set(delivery.id, true);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      const live = this.projects.get(delivery.project);
      // The subscriber is gone (its project was deleted, or a redeploy removed it): nobody to deliver to.
      if (!live || !(delivery.functionPath in live.deployment.files)) {
        this.store.succeed(delivery.id);
        if (live) this.note(delivery, 'warn', '-', `dropped message ${delivery.messageId} (topic ${delivery.topic}): this subscriber is no longer deployed`);
        return;
      }
      const outcome = await live.invoker.invoke(delivery.functionPath, { kind: 'event', payload: JSON.parse(delivery.body) as unknown });
      if (this.stopped) return;
      if (outcome.ok) {
        this.store.succeed(delivery.id);
        return;
      }
      const failures = delivery.attempts + 1;
      const delay = retryDelay(this.options.retry, failures);
      this.store.fail(delivery.id, outcome.failure.message, Date.now() + delay);
      this.note(delivery, 'warn', outcome.requestId, `delivery of message ${delivery.messageId} (topic ${delivery.topic}) failed on attempt ${failures}: ${outcome.failure.message}; next attempt in ${formatDelay(delay)}`);
    } catch (error) {
      process.emitWarning(`topic delivery ${delivery.id} failed to settle: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running.delete(delivery.id);
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
      this.wake();
    }
  }

  private dropExpired(now: number): void {
    this.lastRetentionCheck = now;
    for (const delivery of this.store.dropExpired(now - this.options.retry.retentionMs)) {
      this.note(
        delivery,
        'error',
        '-',
        `dropped message ${delivery.messageId} (topic ${delivery.topic}) after ${delivery.attempts} failed attempt(s): it was published ${new Date(delivery.publishedAt).toISOString()}, longer ago than the retention; last error: ${delivery.lastError ?? 'none'}`,
      );
    }
  }

  private scheduleNext(now: number): void {
    const next = this.store.nextDueAfter(now);
    const retention = this.lastRetentionCheck + this.retentionCheckMs;
    this.schedule(next === undefined ? retention : Math.min(next, retention));
  }

  private schedule(at: number): void {
    if (this.stopped || (this.timer && this.timerAt <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
    this.timer.unref();
  }

  /** A line in the subscriber's own log, so `less-cli log` shows what happened to its messages. */
  private note(delivery: Delivery, level: 'warn' | 'error', requestId: string, message: string): void {
    this.logs.append(chunkOf(delivery.project, delivery.functionPath, '-', [{ ts: Date.now(), level, requestId, message }], true));
  }
}

function keyOf(subscriber: SubscriberRef): string {
  return `${subscriber.project}\0${subscriber.functionPath}`;
}

function formatDelay(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
