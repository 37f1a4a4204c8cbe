/**
 * Durable topic queues in SQLite (contract: ../topics.ts). The tables live in data.db next to
 * the KVS, so a KVS write and its change event commit in one transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../database.js';
import type { Delivery, DeliveryFilter, SubscriberRef, TopicStore } from '../topics.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS topic_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project TEXT NOT NULL,
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS topic_deliveries (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES topic_messages (id) ON DELETE CASCADE,
    project TEXT NOT NULL,
    function_path TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NULL,
    next_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS topic_deliveries_due ON topic_deliveries (project, function_path, next_at);
  CREATE INDEX IF NOT EXISTS topic_deliveries_next ON topic_deliveries (next_at);
  CREATE INDEX IF NOT EXISTS topic_deliveries_message ON topic_deliveries (message_id);
  CREATE INDEX IF NOT EXISTS topic_messages_published ON topic_messages (published_at);
`;

interface DeliveryRow {
  id: number;
  message_id: number;
  project: string;
  function_path: string;
  attempts: number;
  last_error: string | null;
  next_at: number;
  from_project: string;
  topic: string;
  body: string;
  published_at: number;
}

const SELECT_DELIVERY = `
  SELECT d.id, d.message_id, d.project, d.function_path, d.attempts, d.last_error, d.next_at,
         m.project AS from_project, m.topic, m.body, m.published_at
  FROM topic_deliveries d JOIN topic_messages m ON m.id = d.message_id`;

/** A filter as SQL: the subscriber's project, and optionally its topic and name. */
function where(filter: DeliveryFilter): { sql: string; params: string[] } {
  const clauses = ['d.project = ?'];
  const params = [filter.project];
  if (filter.topic !== undefined) {
    clauses.push('m.topic = ?');
    params.push(filter.topic);
  }
  if (filter.subscriber !== undefined) {
    // The subscriber's name is the last segment of its function path.
    clauses.push(`d.function_path LIKE '%/' || ? ESCAPE '\\'`);
    params.push(filter.subscriber.replace(/[\\%_]/g, (c) => `\\${c}`));
  }
  if (filter.failedOnly) clauses.push('d.attempts > 0');
  return { sql: clauses.join(' AND '), params };
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    messageId: row.message_id,
    project: row.project,
    functionPath: row.function_path,
    fromProject: row.from_project,
    topic: row.topic,
    body: row.body,
    publishedAt: row.published_at,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAt: row.next_at,
  };
}

export class SqliteTopicStore implements TopicStore {
  private readonly statements;
  private readonly publishTx: (fromProject: string, topic: string, bodyJson: string, subscribers: SubscriberRef[], now: number) => number;
  private readonly takeTx: (subscriber: SubscriberRef, now: number, limit: number, leaseMs: number) => Delivery[];
  private readonly succeedTx: (deliveryId: number) => void;
  private readonly dropTx: (before: number) => Delivery[];

  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
    this.statements = {
      insertMessage: db.prepare<[string, string, string, number]>('INSERT INTO topic_messages (project, topic, body, published_at) VALUES (?, ?, ?, ?)'),
      insertDelivery: db.prepare<[number | bigint, string, string, number]>('INSERT INTO topic_deliveries (message_id, project, function_path, next_at) VALUES (?, ?, ?, ?)'),
      subscribers: db.prepare<[], { project: string; function_path: string }>('SELECT DISTINCT project, function_path FROM topic_deliveries'),
      hasDeliveries: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM topic_deliveries WHERE project = ? AND function_path = ? LIMIT 1'),
      due: db.prepare<[string, string, number, number], DeliveryRow>(
        `${SELECT_DELIVERY} WHERE d.project = ? AND d.function_path = ? AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?`,
      ),
      lease: db.prepare<[number, number]>('UPDATE topic_deliveries SET next_at = ? WHERE id = ?'),
      messageOf: db.prepare<[number], { message_id: number }>('SELECT message_id FROM topic_deliveries WHERE id = ?'),
      deleteDelivery: db.prepare<[number]>('DELETE FROM topic_deliveries WHERE id = ?'),
      deleteOrphan: db.prepare<[number, number]>(
        'DELETE FROM topic_messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM topic_deliveries WHERE message_id = ?)',
      ),
      fail: db.prepare<[string, number, number]>('UPDATE topic_deliveries SET attempts = attempts + 1, last_error = ?, next_at = ? WHERE id = ?'),
      expired: db.prepare<[number], DeliveryRow>(`${SELECT_DELIVERY} WHERE m.published_at < ?`),
      nextDue: db.prepare<[number], { next_at: number | null }>('SELECT min(next_at) AS next_at FROM topic_deliveries WHERE next_at > ?'),
      deleteProjectDeliveries: db.prepare<[string]>('DELETE FROM topic_deliveries WHERE project = ?'),
      deleteOrphans: db.prepare('DELETE FROM topic_messages WHERE NOT EXISTS (SELECT 1 FROM topic_deliveries WHERE message_id = topic_messages.id)'),
    };

    this.publishTx = db.transaction((fromProject: string, topic: string, bodyJson: string, subscribers: SubscriberRef[], now: number) => {
      const { lastInsertRowid } = this.statements.insertMessage.run(fromProject, topic, bodyJson, now);
      for (const subscriber of subscribers) this.statements.insertDelivery.run(lastInsertRowid, subscriber.project, subscriber.functionPath, now);
      // A message nobody subscribes to is not kept; its id still names the publish.
      if (subscribers.length === 0) this.statements.deleteOrphan.run(Number(lastInsertRowid), Number(lastInsertRowid));
      return Number(lastInsertRowid);
    });
    this.takeTx = db.transaction((subscriber: SubscriberRef, now: number, limit: number, leaseMs: number) => {
      const rows = this.statements.due.all(subscriber.project, subscriber.functionPath, now, limit);
      for (const row of rows) this.statements.lease.run(now + leaseMs, row.id);
      return rows.map(toDelivery);
    });
    this.succeedTx = db.transaction((deliveryId: number) => {
      const row = this.statements.messageOf.get(deliveryId);
      if (!row) return;
      this.statements.deleteDelivery.run(deliveryId);
      this.statements.deleteOrphan.run(row.message_id, row.message_id);
    });
    this.dropTx = db.transaction((before: number) => {
      const rows = this.statements.expired.all(before);
      for (const row of rows) this.statements.deleteDelivery.run(row.id);
      if (rows.length > 0) this.statements.deleteOrphans.run();
      return rows.map(toDelivery);
    });
  }

  publish(fromProject: string, topic: string, bodyJson: string, subscribers: SubscriberRef[], now: number): number {
    // Inside a caller's transaction (a KVS write and its change event) this nests as a savepoint.
    return this.publishTx(fromProject, topic, bodyJson, subscribers, now);
  }

  subscribersWithDeliveries(): SubscriberRef[] {
    return this.statements.subscribers.all().map((row) => ({ project: row.project, functionPath: row.function_path }));
  }

  hasDeliveries(subscriber: SubscriberRef): boolean {
    return this.statements.hasDeliveries.get(subscriber.project, subscriber.functionPath) !== undefined;
  }

  take(subscriber: SubscriberRef, now: number, limit: number, leaseMs: number): Delivery[] {
    return this.takeTx(subscriber, now, limit, leaseMs);
  }

  succeed(deliveryId: number): void {
    this.succeedTx(deliveryId);
  }

  fail(deliveryId: number, error: string, nextAt: number): void {
    this.statements.fail.run(error, nextAt, deliveryId);
  }

  dropExpired(before: number): Delivery[] {
    return this.dropTx(before);
  }

  nextDueAfter(now: number): number | undefined {
    return this.statements.nextDue.get(now)?.next_at ?? undefined;
  }

  retryNow(filter: DeliveryFilter, now: number): number {
    const { sql, params } = where(filter);
    return this.db
      .prepare(`UPDATE topic_deliveries SET next_at = ? WHERE id IN (SELECT d.id FROM topic_deliveries d JOIN topic_messages m ON m.id = d.message_id WHERE ${sql})`)
      .run(now, ...params).changes;
  }

  failed(filter: DeliveryFilter, limit: number): Delivery[] {
    const { sql, params } = where(filter);
    const rows = this.db.prepare(`${SELECT_DELIVERY} WHERE ${sql} AND d.attempts > 0 ORDER BY m.published_at, d.id LIMIT ?`).all(...params, limit) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  purge(filter: DeliveryFilter): number {
    const { sql, params } = where(filter);
    const run = this.db.transaction(() => {
      const { changes } = this.db
        .prepare(`DELETE FROM topic_deliveries WHERE id IN (SELECT d.id FROM topic_deliveries d JOIN topic_messages m ON m.id = d.message_id WHERE ${sql} AND d.attempts > 0)`)
        .run(...params);
      this.statements.deleteOrphans.run();
      return changes;
    });
    return run();
  }

  deleteProject(project: string): void {
    this.db.transaction(() => {
      this.statements.deleteProjectDeliveries.run(project);
      this.statements.deleteOrphans.run();
    })();
  }
}
