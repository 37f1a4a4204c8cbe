/**
 * Function logs (SPEC 5, `less-cli log`), as an engine-neutral interface.
 *
 * Every record becomes one entry of the form
 *
 *   <ISO-8601 UTC timestamp> <LEVEL> <requestId>[ <message>]
 *
 *   2026-11-27T17:40:21.123Z START 6f1c…
 *   2026-11-27T17:40:21.124Z INFO 6f1c… user connected
 *   2026-11-27T17:40:21.125Z ERROR 6f1c… TypeError: boom
 *       at handler (less/sockets/demo/connect/index.js:3:9)
 *   2026-11-27T17:40:21.125Z END 6f1c… 1.84 ms
 *
 * The request id is on every line, so an id shown to a client (500 body, `internal_error`
 * frame) can be grepped. For `end` the message holds the duration text (`1.84 ms`); for
 * `start` it is usually empty. A multi-line message (a stack) keeps its newlines: one
 * entry may span several lines of text.
 */

export type LogLevel = 'start' | 'end' | 'info' | 'warn' | 'error';

export interface LogRecord {
  /** ms since epoch */
  ts: number;
  project: string;
  functionPath: string;
  requestId: string;
  level: LogLevel;
  message: string;
}

export interface LogEntry {
  /** Increasing per store; pass the last one seen as `afterId` to resume. */
  id: number;
  line: string;
}

export interface LogStore {
  /** Cheap (hot path): buffers the record; it is stored with its neighbours in one transaction per tick. */
  append(record: LogRecord): void;
  /** Oldest first: the last `tail` entries (default 1000) with id > `afterId`. Includes buffered records. */
  read(project: string, functionPath: string, options?: { tail?: number; afterId?: number }): LogEntry[];
  /** For `log --follow`: the listener sees each entry after it is stored. Returns unsubscribe. */
  subscribe(project: string, functionPath: string, listener: (entry: LogEntry) => void): () => void;
  /** Stores buffered records now. */
  flush(): void;
  deleteProject(project: string): void;
  close(): void;
}

export function formatLogLine(r: Pick<LogRecord, 'ts' | 'level' | 'requestId' | 'message'>): string {
  const head = `${new Date(r.ts).toISOString()} ${r.level.toUpperCase()} ${r.requestId}`;
  return r.message === '' ? head : `${head} ${r.message}`;
}
