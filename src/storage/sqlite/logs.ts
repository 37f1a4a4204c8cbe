/**
 * Function logs in SQLite. Contract: ../logs.ts.
 *
 * append() is on the hot path (several lines per WebSocket message), so it only pushes to
 * an array; one setImmediate per tick writes the whole batch in a single transaction.
 *
 * Size is bounded two ways: an entry is cut at 256 KiB, and each function path keeps its
 * newest `maxLinesPerFunction` entries (one entry = one invocation). Trimming runs once every `trimEvery` appends per
 * function path (one indexed DELETE), not per append, so at most
 * maxLinesPerFunction + trimEvery - 1 rows exist between trims; read() never returns more
 * than maxLinesPerFunction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../database.js';
import type { LogEntry, LogRecord } from '../logs.js';

export const MAX_MESSAGE_BYTES = 256 * 1024;
const TRUNCATED = '… [truncated]';

interface Row {
  id: number;
  text: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL,
    function_path TEXT NOT NULL,
    ts INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS logs_by_function ON logs (project, function_path, id);
`;

/** Synchronous engine; the server uses it through ThreadedLogStore, on a thread of its own. */
export class SqliteLogStore {
  private readonly maxLines: number;
  private readonly trimEvery: number;
  private buffer: LogRecord[] = [];
  private scheduled: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly flushDelayMs: number;
  private closed = false;
  /** Appends since the last trim, per function path. */
  private readonly sinceTrim = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(entry: LogEntry) => void>>();
  private readonly insert: BetterSqlite3.Statement<[string, string, number, string]>;
  private readonly selectTail: BetterSqlite3.Statement<[string, string, number, number], Row>;
  private readonly trim: BetterSqlite3.Statement<[string, string, string, string, number]>;
  private readonly deleteProjectStmt: BetterSqlite3.Statement<[string]>;
  private readonly insertBatch: (records: LogRecord[]) => LogEntry[];

  /**
   * `flushDelayMs`: 0 stores each tick's records at the end of the tick; more gathers
   * several ticks into one transaction (one WAL append), which is what the log thread uses.
   */
  constructor(db: Database, options: { maxLinesPerFunction?: number; trimEvery?: number; flushDelayMs?: number } = {}) {
    this.flushDelayMs = options.flushDelayMs ?? 0;
    this.maxLines = options.maxLinesPerFunction ?? 10_000;
    this.trimEvery = options.trimEvery ?? Math.min(1000, this.maxLines);
    db.exec(SCHEMA);
    this.insert = db.prepare(
      'INSERT INTO logs (project, function_path, ts, text) VALUES (?, ?, ?, ?)',
    );
    this.selectTail = db.prepare(
      `SELECT id, text FROM logs
       WHERE project = ? AND function_path = ? AND id > ? ORDER BY id DESC LIMIT ?`,
    );
    // Deletes everything older than the Nth newest row; a NULL subquery (fewer rows) deletes nothing.
    this.trim = db.prepare(
      `DELETE FROM logs WHERE project = ? AND function_path = ? AND id < (
         SELECT id FROM logs WHERE project = ? AND function_path = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
    this.deleteProjectStmt = db.prepare('DELETE FROM logs WHERE project = ?');
    this.insertBatch = db.transaction((records: LogRecord[]) =>
      records.map((r) => {
        const { lastInsertRowid } = this.insert.run(r.project, r.functionPath, r.ts, r.text);
        return { id: Number(lastInsertRowid), line: r.text };
      }),
    );
  }

  append(record: LogRecord): void {
    // After close the database may be gone; shutdown-time lines are dropped rather than thrown
    // into a handler's console.log.
    if (this.closed) return;
    this.buffer.push(record.text.length * 3 <= MAX_MESSAGE_BYTES ? record : { ...record, text: truncate(record.text) });
    if (this.scheduled !== undefined) return;
    const flushSafely = () => {
      try {
        this.flush();
      } catch (error) {
        // Logging must never take the server down (e.g. disk full); this batch is lost.
        process.emitWarning(`log flush failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    this.scheduled = this.flushDelayMs > 0 ? setTimeout(flushSafely, this.flushDelayMs) : setImmediate(flushSafely);
  }

  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled as NodeJS.Immediate);
      clearTimeout(this.scheduled as NodeJS.Timeout);
    }
    this.scheduled = undefined;
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    const entries = this.insertBatch(records);
    const touched = new Set<string>();
    records.forEach((r, i) => {
      const k = keyOf(r.project, r.functionPath);
      this.sinceTrim.set(k, (this.sinceTrim.get(k) ?? 0) + 1);
      touched.add(k);
      this.notify(k, entries[i]!);
    });
    for (const k of touched) {
      if (this.sinceTrim.get(k)! < this.trimEvery) continue;
      this.sinceTrim.set(k, 0);
      const [project, functionPath] = splitKey(k);
      this.trim.run(project, functionPath, project, functionPath, this.maxLines - 1);
    }
  }

  read(project: string, functionPath: string, options: { tail?: number; afterId?: number } = {}): LogEntry[] {
    this.flush();
    const tail = Math.min(options.tail ?? 1000, this.maxLines);
    const rows = this.selectTail.all(project, functionPath, options.afterId ?? 0, tail);
    return rows.reverse().map((row) => ({ id: row.id, line: row.text }));
  }

  subscribe(project: string, functionPath: string, listener: (entry: LogEntry) => void): () => void {
    const k = keyOf(project, functionPath);
    let set = this.listeners.get(k);
    if (set === undefined) this.listeners.set(k, (set = new Set()));
    set.add(listener);
    // The one place a listener (and an emptied set) leaves the registry.
    return () => {
      const current = this.listeners.get(k);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(k);
    };
  }

  deleteProject(project: string): void {
    this.buffer = this.buffer.filter((r) => r.project !== project);
    this.deleteProjectStmt.run(project);
    for (const k of this.sinceTrim.keys()) if (splitKey(k)[0] === project) this.sinceTrim.delete(k);
  }

  /** Flushes and stops. The Database belongs to whoever opened it. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.listeners.clear();
  }

  private notify(k: string, entry: LogEntry): void {
    const set = this.listeners.get(k);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(entry);
      } catch (error) {
        // One broken follower must not stop storage or the other followers.
        process.emitWarning(`log listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

// NUL cannot appear in a project name (SPEC 5) so it separates the two parts unambiguously.
function keyOf(project: string, functionPath: string): string {
  return `${project}\0${functionPath}`;
}

function splitKey(k: string): [string, string] {
  const i = k.indexOf('\0');
  return [k.slice(0, i), k.slice(i + 1)];
}

/** Cuts a message to MAX_MESSAGE_BYTES of UTF-8 (marker included), never inside a character. */
export function truncate(message: string): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings skip the byte count entirely.
  if (message.length * 3 <= MAX_MESSAGE_BYTES) return message;
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= MAX_MESSAGE_BYTES) return message;
  let end = MAX_MESSAGE_BYTES - Buffer.byteLength(TRUNCATED, 'utf8');
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back up to the start of a character
  return bytes.subarray(0, end).toString('utf8') + TRUNCATED;
}
