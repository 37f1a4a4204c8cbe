/**
 * Opening the embedded SQLite database (better-sqlite3).
 *
 * Rule: one connection per database file, used only from the main thread. All writes
 * then go through a single writer, so the sweepers and request handlers can never race
 * each other into `SQLITE_BUSY` (the failure Chuva's offline mode hit under load, see
 * LESSONS.md). `busy_timeout` only matters if some other process opens the file anyway
 * (e.g. the sqlite3 shell while the server runs).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

export interface DatabaseOptions {
  /**
   * SQLite page size for a database created by this call (an existing file keeps its own).
   * The log store writes rows of hundreds of KiB: with 64 KiB pages each is a few WAL frames
   * instead of dozens, each frame a write system call.
   */
  pageSize?: number;
}

export function openDatabase(file: string, options: DatabaseOptions = {}): Database {
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  // Before WAL mode is set: that is the first write, which fixes the page size of a new file.
  if (options.pageSize !== undefined) db.pragma(`page_size = ${options.pageSize}`);
  // WAL: readers never block the writer, and a commit is one sequential append to the -wal file.
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode fsyncs only at checkpoints, not on every commit. A committed
  // transaction is in the -wal file (OS page cache) when commit returns, so it survives
  // `kill -9` or a crash of this process; only a power loss / OS crash can drop the last
  // few commits (the database itself stays consistent). test/storage proves the kill -9 case.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
