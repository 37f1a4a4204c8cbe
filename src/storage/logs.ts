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

import type { MessagePort } from 'node:worker_threads';

export type LogLevel = 'start' | 'end' | 'info' | 'warn' | 'error';

export interface LogLine {
  /** ms since epoch */
  ts: number;
  level: LogLevel;
  requestId: string;
  message: string;
}

/**
 * One stored entry: all the lines of one invocation (START … END), or a stray line written
 * outside any invocation. Storing an invocation as one entry keeps logging at one row per
 * message on the hot path; the lines of an invocation therefore appear when it ends.
 */
export interface LogRecord {
  /** ms since epoch, of the first line */
  ts: number;
  project: string;
  functionPath: string;
  /** Lines formatted by formatLogLine, joined with '\n'. */
  text: string;
}

/**
 * Lines of one invocation as they are produced, not yet formatted (formatting happens off
 * the hot path). Chunks of one request id are gathered until one is `final`; lines with
 * request id `-` (output outside any invocation) stand alone.
 */
export interface LogChunk {
  project: string;
  functionPath: string;
  requestId: string;
  lines: LogLine[];
  final: boolean;
}

export interface LogEntry {
  /** Increasing per store; pass the last one seen as `afterId` to resume. */
  id: number;
  /** The entry's text: one or more lines. */
  line: string;
}

/** The server-facing store of function logs. */
export interface LogStore {
  /** Cheap (hot path): queued, stored shortly after in a batch. */
  append(chunk: LogChunk): void;
  /**
   * A port on which an executor thread posts `LogChunk[]` batches directly, so that its
   * logs never pass through the gateway thread. Transfer it to the executor.
   */
  openChannel(): MessagePort;
  /** Oldest first: the last `tail` entries (default 1000) with id > `afterId`, including everything appended before the call. */
  read(project: string, functionPath: string, options?: { tail?: number; afterId?: number }): Promise<LogEntry[]>;
  /** For `log --follow`: the listener sees each entry after it is stored. Returns unsubscribe. */
  subscribe(project: string, functionPath: string, listener: (entry: LogEntry) => void): () => void;
  deleteProject(project: string): Promise<void>;
  close(): Promise<void>;
}

export function formatLogLine(r: LogLine): string {
  const head = `${new Date(r.ts).toISOString()} ${r.level.toUpperCase()} ${r.requestId}`;
  return r.message === '' ? head : `${head} ${r.message}`;
}

export function toRecord(project: string, functionPath: string, lines: LogLine[]): LogRecord {
  return { ts: lines[0]?.ts ?? Date.now(), project, functionPath, text: lines.map(formatLogLine).join('\n') };
}
