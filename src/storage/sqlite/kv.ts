/**
 * Embedded KeyValueStore on SQLite. Invariants are documented on the interface (../kv.ts).
 *
 * Expiry: `expires_at` (ms since epoch) is compared with the injected clock in every read,
 * so an expired row is invisible at once; the sweeper only reclaims space. Values are
 * stored as JSON text and bound as parameters (never spliced into SQL, so `'` is harmless).
 */
import type { Database } from '../database.js';
import { serializeValue, systemClock, validateKey, validateTtl, type Clock, type KeyValueStore } from '../kv.js';
import type BetterSqlite3 from 'better-sqlite3';

/** An item removed because it expired (a `kvs_deleted` change when the project listens). */
export interface ExpiredItem {
  project: string;
  key: string;
  oldValue: unknown;
}

export type KvChangeTopic = 'kvs_created' | 'kvs_updated' | 'kvs_deleted';

/**
 * Where change events go (SPEC 2.3): the topic queues, in the same database. `emit` runs
 * inside the transaction of the write, so a write and its event commit together or not at all.
 */
export interface KvChangeSink {
  /** Whether the project has any change topic; asked on every write, so it must be cheap. */
  listens(project: string): boolean;
  emit(project: string, topic: KvChangeTopic, payload: { key: string; old_value?: unknown; new_value?: unknown }): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kv (
    project TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at INTEGER NULL,
    PRIMARY KEY (project, key)
  ) WITHOUT ROWID;
  -- Partial index: the sweeper finds expired rows without scanning items that never expire.
  CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at) WHERE expires_at IS NOT NULL;
`;

export class SqliteKeyValueStore implements KeyValueStore {
  private readonly clock: Clock;
  private readonly getStmt: BetterSqlite3.Statement<[string, string, number], { value: string }>;
  private readonly setStmt: BetterSqlite3.Statement<[string, string, string, number | null]>;
  private readonly deleteStmt: BetterSqlite3.Statement<[string, string]>;
  private readonly deleteProjectStmt: BetterSqlite3.Statement<[string]>;
  private readonly sweepStmt: BetterSqlite3.Statement<[number, number], { project: string; key: string; value: string }>;
  private stopSweeper: (() => void) | undefined;
  private readonly currentStmt: BetterSqlite3.Statement<[string, string], { value: string; expires_at: number | null }>;
  private readonly setWithEvents: (project: string, key: string, json: string, expiresAt: number | null) => void;
  private readonly deleteWithEvents: (project: string, key: string) => void;
  private readonly sweepWithEvents: (limit: number) => ExpiredItem[];

  constructor(
    db: Database,
    clock: Clock = systemClock,
    private readonly changes?: KvChangeSink,
  ) {
    this.clock = clock;
    db.exec(SCHEMA);
    this.getStmt = db.prepare(
      'SELECT value FROM kv WHERE project = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
    );
    // Upsert: a set without ttl clears an earlier expiry (as Redis SET does).
    this.setStmt = db.prepare(
      `INSERT INTO kv (project, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (project, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    );
    this.deleteStmt = db.prepare('DELETE FROM kv WHERE project = ? AND key = ?');
    this.deleteProjectStmt = db.prepare('DELETE FROM kv WHERE project = ?');
    // One statement, one short implicit transaction per batch: it deletes and returns the
    // old values atomically, so nothing can be set between reading and deleting a row.
    this.sweepStmt = db.prepare(
      `DELETE FROM kv WHERE (project, key) IN (
         SELECT project, key FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?
       ) RETURNING project, key, value`,
    );
    this.currentStmt = db.prepare('SELECT value, expires_at FROM kv WHERE project = ? AND key = ?');

    // An item past its expiry counts as deleted by expiry (SPEC 2.3), even before the sweeper
    // reaches it: overwriting or deleting it reports that deletion, exactly once.
    this.setWithEvents = db.transaction((project: string, key: string, json: string, expiresAt: number | null) => {
      const old = this.currentStmt.get(project, key);
      this.setStmt.run(project, key, json, expiresAt);
      const newValue = JSON.parse(json) as unknown;
      if (old && !this.expired(old)) {
        this.changes!.emit(project, 'kvs_updated', { key, old_value: JSON.parse(old.value), new_value: newValue });
        return;
      }
      if (old) this.changes!.emit(project, 'kvs_deleted', { key, old_value: JSON.parse(old.value) });
      this.changes!.emit(project, 'kvs_created', { key, new_value: newValue });
    });
    this.deleteWithEvents = db.transaction((project: string, key: string) => {
      const old = this.currentStmt.get(project, key);
      if (!old) return;
      this.deleteStmt.run(project, key);
      this.changes!.emit(project, 'kvs_deleted', { key, old_value: JSON.parse(old.value) });
    });
    this.sweepWithEvents = db.transaction((limit: number) => {
      const items = this.sweepStmt.all(this.clock.now(), limit).map((row) => ({ project: row.project, key: row.key, oldValue: JSON.parse(row.value) as unknown }));
      for (const item of items) {
        if (this.changes!.listens(item.project)) this.changes!.emit(item.project, 'kvs_deleted', { key: item.key, old_value: item.oldValue });
      }
      return items;
    });
  }

  private expired(row: { expires_at: number | null }): boolean {
    return row.expires_at !== null && row.expires_at <= this.clock.now();
  }

  async get(project: string, key: string): Promise<unknown> {
    validateKey(key, 'kvs.get');
    const row = this.getStmt.get(project, key, this.clock.now());
    return row === undefined ? null : JSON.parse(row.value);
  }

  async set(project: string, key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    validateKey(key, 'kvs.set');
    const json = serializeValue(value, 'kvs.set');
    const ttl = validateTtl(ttlSeconds, 'kvs.set');
    const expiresAt = ttl === undefined ? null : this.clock.now() + ttl * 1000;
    if (this.changes?.listens(project)) this.setWithEvents(project, key, json, expiresAt);
    else this.setStmt.run(project, key, json, expiresAt);
  }

  async delete(project: string, key: string): Promise<void> {
    validateKey(key, 'kvs.delete');
    if (this.changes?.listens(project)) this.deleteWithEvents(project, key);
    else this.deleteStmt.run(project, key);
  }

  async deleteProject(project: string): Promise<void> {
    this.deleteProjectStmt.run(project);
  }

  /** Deletes up to `limit` expired rows and returns them (with their last value). */
  sweepExpired(limit = 500): ExpiredItem[] {
    if (this.changes) return this.sweepWithEvents(limit);
    return this.sweepStmt
      .all(this.clock.now(), limit)
      .map((row) => ({ project: row.project, key: row.key, oldValue: JSON.parse(row.value) }));
  }

  /**
   * Sweeps every `intervalMs` (timer `unref`ed: it never keeps the process alive). A full
   * batch means a backlog: the next batch runs on setImmediate, so request handlers'
   * writes interleave with the sweep instead of waiting behind one long transaction.
   * Returns a stop function; close() stops it too.
   */
  startSweeper(options: { intervalMs?: number; batchSize?: number; onExpired?: (items: ExpiredItem[]) => void } = {}): () => void {
    const { intervalMs = 10_000, batchSize = 500, onExpired } = options;
    let stopped = false;
    let pending: NodeJS.Immediate | undefined;
    const sweep = (): void => {
      pending = undefined;
      if (stopped) return;
      try {
        const items = this.sweepExpired(batchSize);
        if (items.length > 0) onExpired?.(items);
        if (items.length === batchSize) pending = setImmediate(sweep);
      } catch (error) {
        // A background job must not take the server down; the next tick tries again.
        process.emitWarning(`kv sweeper failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const timer = setInterval(() => {
      if (pending === undefined) sweep();
    }, intervalMs);
    timer.unref();
    const stop = (): void => {
      stopped = true;
      clearInterval(timer);
      if (pending !== undefined) clearImmediate(pending);
      if (this.stopSweeper === stop) this.stopSweeper = undefined;
    };
    this.stopSweeper?.();
    this.stopSweeper = stop;
    return stop;
  }

  /** Stops the sweeper. The Database belongs to whoever opened it (it is shared with logs). */
  async close(): Promise<void> {
    this.stopSweeper?.();
  }
}
