/**
 * Durable topic queues (SPEC 2.4), as an engine-neutral interface. Engines: sqlite/topics.ts
 * (embedded) and, later, redis/.
 *
 * Model: a published message is stored once, with one *delivery* per subscriber that
 * existed when it was published. Deliveries are independent: each is attempted, retried
 * and finally dropped on its own, so a failing subscriber never holds up another one,
 * nor its own later messages.
 *
 * Invariants every engine keeps:
 * - `publish` returns only after the message and all its deliveries are stored: a crash
 *   after that point loses nothing (at-least-once; a delivery running during a crash runs again).
 * - A delivery is handed out by `take` only when due (`nextAt` ≤ now), and a taken one is
 *   not handed out again until its lease ends (after a crash the server makes every delivery
 *   due again as it restores the projects: `retryNow`).
 * - A message disappears with its last delivery.
 *
 * The calls are synchronous, as better-sqlite3 is: a KVS change event must be stored in
 * the same transaction as the write that caused it, and the embedded KVS is synchronous
 * underneath. A Redis engine will need the promise-returning form of this interface
 * (MULTI/EXEC for the KVS case); the dispatcher is the only caller that would change.
 */

/** Who receives a message: a handler of a (possibly other) project. */
export interface SubscriberRef {
  /** The project the subscriber belongs to. */
  project: string;
  /** Its function path, e.g. `topics/user_created/send_email` or `external_topics/app/t/s`. */
  functionPath: string;
}

export interface Delivery extends SubscriberRef {
  id: number;
  messageId: number;
  /** The publishing project and topic. */
  fromProject: string;
  topic: string;
  /** The message as JSON text. */
  body: string;
  publishedAt: number;
  /** Attempts that failed so far. */
  attempts: number;
  lastError: string | null;
  nextAt: number;
}

export interface DeliveryFilter {
  /** The subscriber's project. */
  project: string;
  topic?: string;
  /** The subscriber's name (last segment of its function path). */
  subscriber?: string;
  /** Only deliveries that failed at least once. */
  failedOnly?: boolean;
}

export interface TopicStore {
  /** Stores a message and one delivery per subscriber, due now. Returns the message id. */
  publish(fromProject: string, topic: string, bodyJson: string, subscribers: SubscriberRef[], now: number): number;
  /** Every subscriber with deliveries (due or not): read once at start, then kept in memory. */
  subscribersWithDeliveries(): SubscriberRef[];
  /** Whether the subscriber has any delivery left (due, leased or waiting for a retry). */
  hasDeliveries(subscriber: SubscriberRef): boolean;
  /**
   * Up to `limit` due deliveries of one subscriber, leased until `now + leaseMs`. Asked per
   * subscriber, so that one subscriber's backlog cannot starve another's.
   */
  take(subscriber: SubscriberRef, now: number, limit: number, leaseMs: number): Delivery[];
  /** The delivery ran: it is gone (and its message, if it was the last one). */
  succeed(deliveryId: number): void;
  /** The delivery failed: kept, to be tried again at `nextAt`. */
  fail(deliveryId: number, error: string, nextAt: number): void;
  /** Deletes deliveries published before `before` and returns them (retention). */
  dropExpired(before: number): Delivery[];
  /** The earliest `nextAt` after `now`, if any (when to look again). */
  nextDueAfter(now: number): number | undefined;
  /** Every delivery of these subscribers becomes due at `now` (a redeploy, a restart, `topics retry`). */
  retryNow(filter: DeliveryFilter, now: number): number;
  /** Deliveries that failed at least once, oldest first, at most `limit`. */
  failed(filter: DeliveryFilter, limit: number): Delivery[];
  /** Deletes the failed deliveries matching the filter; returns how many. */
  purge(filter: DeliveryFilter): number;
  /** Deletes every delivery *to* the project (its queues), and its undelivered messages. */
  deleteProject(project: string): void;
}
