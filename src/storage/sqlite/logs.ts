/**
 * Function logs in SQLite. Contract: ../logs.ts (LogEntry, LogRecord).
 *
 * append() is on the hot path (an entry per WebSocket message), so it only buffers; a
 * flush stores the buffered entries of each function path in as few rows (batches) as it
 * can — up to BATCH_SPAN entries and MAX_JOINED_CHARS of text joined per row — because a
 * row insert costs more than the entry itself at thousands of entries per second.
 * An entry's id is `row id × BATCH_SPAN + its index in the row`: increasing, so
 * `afterId` resumes exactly.
 *
 * Size is bounded two ways: an entry is cut at 256 KiB (its longest lines first), and each function path keeps about
 * its newest `maxLinesPerFunction` entries (one entry = one invocation): every `trimEvery`
 * appends (default: half of `maxLinesPerFunction`), whole rows older than the newest
 * `maxLinesPerFunction` entries are deleted.
 * read() never returns more than `maxLinesPerFunction` entries.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../database.js';
import { ENTRY_SEPARATOR, formatEntry, LINE_SEPARATOR, type LogEntry, type LogRecord } from '../logs.js';

export const MAX_MESSAGE_BYTES = 256 * 1024;
const TRUNCATED = '… [truncated]';
const TRUNCATED_BYTES = Buffer.byteLength(TRUNCATED);
/** Entries per row at most; also the factor between row ids and entry ids. */
export const BATCH_SPAN = 1024;
/**
 * Records are joined into one row only while the row's text stays below this. A longer string
 * is a V8 large object, placed in freshly mapped pages each time: on a virtual machine, where a
 * page fault is dear, joining an executor's 256-entry chunks four at a time cost more than the
 * SQLite inserts it saved (docs/performance.md).
 */
const MAX_JOINED_CHARS = 64 * 1024;
/** Separates entries inside a row (encodeLine keeps it out of the lines). */
const SEPARATOR = ENTRY_SEPARATOR;

interface Row {
  id: number;
  count: number;
  text: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS log_batches (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL,
    function_path TEXT NOT NULL,
    count INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS log_batches_by_function ON log_batches (project, function_path, id);
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
  private readonly newestFirst: BetterSqlite3.Statement<[string, string, number], Row>;
  private readonly countsNewestFirst: BetterSqlite3.Statement<[string, string], { id: number; count: number }>;
  private readonly deleteBefore: BetterSqlite3.Statement<[string, string, number]>;
  private readonly deleteProjectStmt: BetterSqlite3.Statement<[string]>;
  private readonly store: (groups: Map<string, LogRecord[]>) => Array<() => void>;

  /**
   * `flushDelayMs`: 0 stores each tick's records at the end of the tick; more gathers
   * several ticks into one transaction (one WAL append), which is what the log thread uses.
   */
  constructor(db: Database, options: { maxLinesPerFunction?: number; trimEvery?: number; flushDelayMs?: number } = {}) {
    this.flushDelayMs = options.flushDelayMs ?? 0;
    this.maxLines = options.maxLinesPerFunction ?? 10_000;
    // Each trim rewrites a few 64 KiB pages (the table's and the index's inner pages, the free
    // list) whatever it deletes: every 1,000 appends it was a quarter of the log thread's CPU.
    this.trimEvery = options.trimEvery ?? Math.max(1, Math.ceil(this.maxLines / 2));
    db.exec(SCHEMA);
    this.insert = db.prepare('INSERT INTO log_batches (project, function_path, count, text) VALUES (?, ?, ?, ?)');
    this.newestFirst = db.prepare(
      'SELECT id, count, text FROM log_batches WHERE project = ? AND function_path = ? AND id >= ? ORDER BY id DESC',
    );
    // Trimming needs the counts only: reading the text of 10,000 entries each time cost more than storing them.
    this.countsNewestFirst = db.prepare('SELECT id, count FROM log_batches WHERE project = ? AND function_path = ? ORDER BY id DESC');
    this.deleteBefore = db.prepare('DELETE FROM log_batches WHERE project = ? AND function_path = ? AND id < ?');
    this.deleteProjectStmt = db.prepare('DELETE FROM log_batches WHERE project = ?');
    this.store = db.transaction((groups: Map<string, LogRecord[]>) => {
      const notifications: Array<() => void> = [];
      for (const [k, records] of groups) {
        const [project, functionPath] = splitKey(k);
        for (const batch of rows(records)) {
          const count = batch.reduce((sum, r) => sum + (r.count ?? 1), 0);
          const text = batch.length === 1 ? batch[0]!.text : batch.map((r) => r.text).join(SEPARATOR);
          const { lastInsertRowid } = this.insert.run(project, functionPath, count, text);
          const listeners = this.listeners.get(k);
          if (listeners) {
            const rowId = Number(lastInsertRowid);
            notifications.push(() => text.split(SEPARATOR).forEach((entry, i) => this.notify(listeners, { id: rowId * BATCH_SPAN + i, line: formatEntry(entry) })));
          }
        }
      }
      return notifications;
    });
  }

  append(record: LogRecord): void {
    // After close the database may be gone; shutdown-time lines are dropped rather than thrown
    // into a handler's console.log.
    if (this.closed) return;
    this.buffer.push(record.text.length * 3 <= MAX_MESSAGE_BYTES ? record : { ...record, text: truncateEach(record.text) });
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
    const groups = new Map<string, LogRecord[]>();
    for (const record of this.buffer) {
      const k = keyOf(record.project, record.functionPath);
      const group = groups.get(k);
      if (group) group.push(record);
      else groups.set(k, [record]);
    }
    this.buffer = [];
    // Listeners hear of entries after the transaction commits, never of ones rolled back.
    for (const notify of this.store(groups)) notify();
    for (const [k, records] of groups) {
      const since = (this.sinceTrim.get(k) ?? 0) + records.reduce((sum, r) => sum + (r.count ?? 1), 0);
      this.sinceTrim.set(k, since >= this.trimEvery ? 0 : since);
      if (since >= this.trimEvery) this.trim(k);
    }
  }

  read(project: string, functionPath: string, options: { tail?: number; afterId?: number } = {}): LogEntry[] {
    this.flush();
    const tail = Math.min(options.tail ?? 1000, this.maxLines);
    const afterId = options.afterId ?? 0;
    const newest: LogEntry[] = [];
    for (const row of this.newestFirst.iterate(project, functionPath, Math.floor(afterId / BATCH_SPAN))) {
      const texts = row.text.split(SEPARATOR);
      for (let i = texts.length - 1; i >= 0 && newest.length < tail; i--) {
        const id = row.id * BATCH_SPAN + i;
        if (id > afterId) newest.push({ id, line: formatEntry(texts[i]!) });
      }
      if (newest.length >= tail) break;
    }
    return newest.reverse();
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

  /** Deletes the rows entirely older than the newest `maxLines` entries of a function path. */
  private trim(k: string): void {
    const [project, functionPath] = splitKey(k);
    let kept = 0;
    let oldestKept: number | undefined;
    // The iterator must be finished (break) before another statement runs on the connection.
    for (const row of this.countsNewestFirst.iterate(project, functionPath)) {
      kept += row.count;
      if (kept >= this.maxLines) {
        oldestKept = row.id;
        break;
      }
    }
    if (oldestKept !== undefined) this.deleteBefore.run(project, functionPath, oldestKept);
  }

  private notify(listeners: Set<(entry: LogEntry) => void>, entry: LogEntry): void {
    for (const listener of [...listeners]) {
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

/**
 * Consecutive records holding at most BATCH_SPAN entries and about MAX_JOINED_CHARS of text in
 * all (one row each). A record over that size alone is a row by itself, stored without a copy.
 */
function* rows(records: LogRecord[]): Generator<LogRecord[]> {
  let batch: LogRecord[] = [];
  let count = 0;
  let chars = 0;
  for (const record of records.flatMap(atMostOneRow)) {
    const entries = record.count ?? 1;
    if (batch.length > 0 && (count + entries > BATCH_SPAN || chars + record.text.length > MAX_JOINED_CHARS)) {
      yield batch;
      batch = [];
      count = 0;
      chars = 0;
    }
    batch.push(record);
    count += entries;
    chars += record.text.length + 1;
  }
  if (batch.length > 0) yield batch;
}

/** A record of more entries than a row holds, as several records. */
function atMostOneRow(record: LogRecord): LogRecord[] {
  if ((record.count ?? 1) <= BATCH_SPAN) return [record];
  const entries = record.text.split(SEPARATOR);
  const parts: LogRecord[] = [];
  for (let start = 0; start < entries.length; start += BATCH_SPAN) {
    const slice = entries.slice(start, start + BATCH_SPAN);
    parts.push({ ...record, text: slice.join(SEPARATOR), count: slice.length });
  }
  return parts;
}

/**
 * Each entry of a record cut to MAX_MESSAGE_BYTES. A joined record (an executor's flush) is
 * long because it holds many entries, rarely because one is huge: its entries are only
 * measured, and the text is rebuilt only when one of them must be cut.
 */
function truncateEach(text: string): string {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(SEPARATOR, start);
    if (end < 0) end = text.length;
    if ((end - start) * 3 > MAX_MESSAGE_BYTES) return text.split(SEPARATOR).map(truncate).join(SEPARATOR);
    start = end + 1;
  }
  return text;
}

/**
 * Cuts an entry to MAX_MESSAGE_BYTES of UTF-8 (markers included), never inside a character.
 * Its longest lines are cut first: an invocation whose handler printed one huge line keeps its
 * START, its other lines and its END.
 */
export function truncate(entry: string): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings skip the byte count entirely.
  if (entry.length * 3 <= MAX_MESSAGE_BYTES) return entry;
  let excess = Buffer.byteLength(entry) - MAX_MESSAGE_BYTES;
  if (excess <= 0) return entry;
  const lines = entry.split(LINE_SEPARATOR);
  const longestFirst = lines.map((_, i) => i).sort((a, b) => lines[b]!.length - lines[a]!.length);
  for (const i of longestFirst) {
    if (excess <= 0) break;
    const line = lines[i]!;
    const size = Buffer.byteLength(line);
    lines[i] = cutLine(line, Math.max(0, size - excess - TRUNCATED_BYTES));
    excess -= size - Buffer.byteLength(lines[i]!);
  }
  return lines.join(LINE_SEPARATOR);
}

/** The first `keepBytes` bytes of a line's UTF-8 (fewer, to end on a whole character), and the marker. */
function cutLine(line: string, keepBytes: number): string {
  const bytes = Buffer.from(line, 'utf8');
  let end = keepBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back up to the start of a character
  return bytes.subarray(0, end).toString('utf8') + TRUNCATED;
}
