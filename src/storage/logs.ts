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
 *
 * Lines are stored as producers make them (encodeLine: the timestamp still in epoch ms)
 * and formatted when read (formatEntry): writes happen per message, reads rarely.
 * A line that follows another of the same request may be stored short (encodeNextLine:
 * `+<ms since that line> <LEVEL>[ <message>]`, no request id): an invocation's log is then
 * about half the bytes to move and store, and reads the same.
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
  /** The entry's lines in stored form (see encodeLine), joined with LINE_SEPARATOR. */
  text: string;
  /**
   * How many entries `text` holds, joined with ENTRY_SEPARATOR (default 1). An executor
   * sends the finished invocations of one function path as one record per flush, so the
   * log thread's work is per flush, not per invocation.
   */
  count?: number;
}

/**
 * Lines of one invocation as they are produced, in stored form. Chunks of one request id
 * are gathered until one is `final`; lines with request id `-` (output outside any
 * invocation) stand alone.
 */
export interface LogChunk {
  project: string;
  functionPath: string;
  requestId: string;
  /**
   * Lines in stored form (encodeLine), joined with LINE_SEPARATOR; or, from a handler worker,
   * the UTF-8 bytes of such text (whole entries, joined with ENTRY_SEPARATOR).
   */
  text: string | Uint8Array;
  final: boolean;
  /** With request id `-` only: `text` holds this many whole entries, joined with ENTRY_SEPARATOR. */
  count?: number;
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

const LEVEL_WORDS: Record<LogLevel, string> = { start: 'START', end: 'END', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** Separates the lines of one stored entry (a message's own newlines stay inside its line). */
export const LINE_SEPARATOR = '\u001f';
/** Separates entries where several travel or are stored together. */
export const ENTRY_SEPARATOR = '\u001e';
/** Separators cannot appear inside a stored line; a message's own become spaces. */
const SEPARATORS = /[\u001e\u001f]/g;

/**
 * The stored form of a line: `formatLogLine` with the timestamp left as epoch milliseconds.
 * Producers run on every invocation, so they only concatenate; the ISO timestamp is made
 * when the line is read (reads are rare, writes are per message).
 */
export function encodeLine(ts: number, level: LogLevel, requestId: string, message: string): string {
  const head = `${timestampText(ts)} ${LEVEL_WORDS[level]} ${requestId}`;
  if (message === '') return head;
  return `${head} ${message.includes('\u001e') || message.includes('\u001f') ? message.replace(SEPARATORS, ' ') : message}`;
}

let lastTimestamp = NaN;
let lastTimestampText = '';

/** Most lines of a busy second share their millisecond, and a 13-digit number is slow to print. */
function timestampText(ts: number): string {
  if (ts !== lastTimestamp) {
    lastTimestamp = ts;
    lastTimestampText = String(ts);
  }
  return lastTimestampText;
}

/**
 * The short stored form of a line written `sinceMs` after `previous`, a line in full form of
 * the same request stored just before it (in the same entry). formatEntry gives it back the
 * request id and timestamp.
 */
export function encodeNextLine(sinceMs: number, level: LogLevel, message: string): string {
  const head = `+${sinceMs} ${LEVEL_WORDS[level]}`;
  if (message === '') return head;
  return `${head} ${message.includes('\u001e') || message.includes('\u001f') ? message.replace(SEPARATORS, ' ') : message}`;
}

/** A chunk's text as a string: a handler worker sends its joined entries as UTF-8 bytes (invocation-logs.ts). */
export function chunkText(chunk: LogChunk): string {
  const { text } = chunk;
  return typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
}

/** A chunk from whole lines (the producers that are not on the hot path). */

export function chunkOf(project: string, functionPath: string, requestId: string, lines: LogLine[], final: boolean): LogChunk {
  const text = lines.map((line) => encodeLine(line.ts, line.level, line.requestId, line.message)).join(LINE_SEPARATOR);
  return { project, functionPath, requestId, text, final };
}

/** A stored entry as `less-cli log` shows it: one line of text per line, ISO timestamps. */
export function formatEntry(stored: string): string {
  // The last line in full form: the timestamp and request id of the short lines after it.
  let fullTs = NaN;
  let requestId = '';
  return stored
    .split(LINE_SEPARATOR)
    .map((line) => {
      const space = line.indexOf(' ');
      if (line.startsWith('+')) {
        const since = Number(line.slice(1, space < 0 ? undefined : space));
        if (!Number.isFinite(fullTs) || !Number.isFinite(since)) return line;
        const rest = space < 0 ? '' : line.slice(space + 1);
        const levelEnd = rest.indexOf(' ');
        const level = levelEnd < 0 ? rest : rest.slice(0, levelEnd);
        const message = levelEnd < 0 ? '' : rest.slice(levelEnd);
        return `${new Date(fullTs + since).toISOString()} ${level} ${requestId}${message}`;
      }
      const ts = Number(line.slice(0, space));
      // Text not in stored form is shown as it is.
      if (space <= 0 || !Number.isFinite(ts)) return line;
      fullTs = ts;
      const idStart = line.indexOf(' ', space + 1) + 1;
      const idEnd = line.indexOf(' ', idStart);
      requestId = idStart > 0 ? line.slice(idStart, idEnd < 0 ? undefined : idEnd) : '';
      return new Date(ts).toISOString() + line.slice(space);
    })
    .join('\n');
}

export function formatLogLine(r: LogLine): string {
  return formatEntry(encodeLine(r.ts, r.level, r.requestId, r.message));
}
