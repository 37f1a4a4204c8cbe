/**
 * A handler worker's function log: every line belongs to an invocation (START, the
 * handler's output, errors, END) and reaches the log store's thread without passing
 * through the gateway.
 *
 * Lines leave every FLUSH_MS, not per invocation: waking the log thread once per message
 * would cost more than the message. An invocation that ends between two flushes (almost
 * all) travels joined with the others of its function path, so the log thread stores each
 * function path's share with one append whatever the message rate. One still running at a
 * flush sends its lines so far as a chunk of its own, and its later lines follow the same way.
 */
import type { MessagePort } from 'node:worker_threads';
import { ENTRY_SEPARATOR, encodeLine, encodeNextLine, LINE_SEPARATOR, type LogChunk, type LogLevel } from '../../storage/logs.js';

const FLUSH_MS = 25;
/** Entries per joined chunk at most (a row of the log store holds 1024). */
const MAX_JOINED = 256;
/** Bytes of joined entries per chunk at most: a row of the log store joins up to 64 K characters. */
const JOINED_BYTES = 64 * 1024;
/** A function path's first buffer of a flush (it grows, up to JOINED_BYTES). */
const FIRST_BYTES = 4 * 1024;
const ENTRY_SEPARATOR_BYTE = ENTRY_SEPARATOR.charCodeAt(0);

/**
 * The finished entries of one function path, as UTF-8 in memory outside the JavaScript heap.
 * Held as strings until the flush, they survived the young generation's collections: each
 * scavenge copied them, then promoted them, and the old generation filled with dead log text.
 * A worker spent about a sixth of its time per invocation on that (docs/performance.md).
 * Written here as each invocation ends, the entry's string dies young, and the bytes cross to
 * the log thread without a copy (transferred).
 */
interface JoinedEntries {
  bytes: Buffer;
  used: number;
  count: number;
}

export class InvocationLogs {
  /** Whole entries of each function path since the last flush. */
  private readonly finished = new Map<string, JoinedEntries>();
  /**
   * Invocations with lines written and no END yet, as a doubly linked list: one is added and
   * removed per invocation, and a Set's hashing and rehashing cost more than the rest of its log.
   */
  private firstRunning: InvocationLog | undefined;
  /** Invocations that ended after sending part of their lines: their last chunk is final. */
  private readonly endedAfterParts: InvocationLog[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly project: string,
    /** The log store's thread: it takes `LogChunk[]`. */
    private readonly port: MessagePort,
  ) {}

  /** The log of a new invocation; nothing is written until its first line. */
  open(requestId: string, functionPath: string): InvocationLog {
    return new InvocationLog(this, requestId, functionPath);
  }

  /** Output outside any invocation (module load, timers) is an entry of its own. */
  stray(functionPath: string, level: LogLevel, message: string): void {
    new InvocationLog(this, '-', functionPath).write(level, message, true);
  }

  /** Sends every line written so far (also before the worker exits). */
  readonly flush = (): void => {
    // Also when called before its time (a full chunk, an exit): the next line sets a new timer.
    clearTimeout(this.timer);
    this.timer = undefined;
    const chunks: LogChunk[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const [functionPath, { bytes, used, count }] of this.finished) {
      chunks.push({ project: this.project, functionPath, requestId: '-', text: bytes.subarray(0, used), final: true, count });
      transfer.push(bytes.buffer as ArrayBuffer);
    }
    this.finished.clear();
    for (const log of this.endedAfterParts) chunks.push({ project: this.project, functionPath: log.functionPath, requestId: log.requestId, text: log.text, final: true });
    this.endedAfterParts.length = 0;
    // Lines of invocations still running go now, so a worker that dies later does not lose them.
    for (let log = this.firstRunning; log; log = log.nextRunning) {
      if (log.text === '') continue;
      chunks.push({ project: this.project, functionPath: log.functionPath, requestId: log.requestId, text: log.text, final: false });
      log.text = '';
      log.sentPart = true;
    }
    if (chunks.length > 0) this.port.postMessage(chunks, transfer);
  };

  /** @internal for InvocationLog */
  started(log: InvocationLog): void {
    log.nextRunning = this.firstRunning;
    if (this.firstRunning) this.firstRunning.previousRunning = log;
    this.firstRunning = log;
  }

  /** @internal for InvocationLog: lines are waiting. */
  scheduleFlush(): void {
    this.timer ??= setTimeout(this.flush, FLUSH_MS);
  }

  /** Adds a finished entry to its function path's joined entries. */
  private join(functionPath: string, text: string): void {
    let joined = this.finished.get(functionPath);
    if (joined && joined.count === MAX_JOINED) {
      this.flush();
      joined = undefined;
    }
    const separator = joined ? 1 : 0;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most entries skip counting theirs exactly.
    if (!joined || text.length * 3 > joined.bytes.length - joined.used - separator) {
      const needed = (joined ? joined.used : 0) + separator + Buffer.byteLength(text);
      if (needed > JOINED_BYTES) {
        // Full: send what is there now and start again (a burst longer than one flush).
        this.flush();
        if (joined) return this.join(functionPath, text);
        // Larger than a whole chunk: it leaves now, as its text, after the entries before it.
        this.port.postMessage([{ project: this.project, functionPath, requestId: '-', text, final: true, count: 1 } satisfies LogChunk]);
        return;
      }
      if (!joined || needed > joined.bytes.length) joined = this.grow(functionPath, joined, needed);
    }
    if (joined.count > 0) joined.bytes[joined.used++] = ENTRY_SEPARATOR_BYTE;
    joined.used += joined.bytes.write(text, joined.used);
    joined.count++;
  }

  /**
   * A function path's joined entries in a buffer of at least `needed` bytes: buffers start at
   * FIRST_BYTES and double, so a function invoked now and then does not take 64 KiB per entry.
   */
  private grow(functionPath: string, joined: JoinedEntries | undefined, needed: number): JoinedEntries {
    let size = joined ? joined.bytes.length : FIRST_BYTES;
    while (size < needed) size *= 2;
    const bytes = Buffer.allocUnsafeSlow(Math.min(size, JOINED_BYTES));
    if (joined) joined.bytes.copy(bytes, 0, 0, joined.used);
    const grown = { bytes, used: joined?.used ?? 0, count: joined?.count ?? 0 };
    this.finished.set(functionPath, grown);
    return grown;
  }

  /** @internal for InvocationLog */
  ended(log: InvocationLog): void {
    const { previousRunning, nextRunning } = log;
    if (previousRunning) previousRunning.nextRunning = nextRunning;
    else if (this.firstRunning === log) this.firstRunning = nextRunning;
    if (nextRunning) nextRunning.previousRunning = previousRunning;
    log.previousRunning = log.nextRunning = undefined;
    if (log.sentPart) {
      this.endedAfterParts.push(log);
    } else {
      this.join(log.functionPath, log.text);
      log.text = '';
    }
    // After any early flush above, which cleared the timer: this entry must not wait for the next line.
    this.scheduleFlush();
  }
}

export class InvocationLog {
  /** Lines in stored form not sent yet (encodeLine): a string per line would cost more to send. */
  text = '';
  /** Some lines already went as a chunk of their own (a long invocation). */
  sentPart = false;
  /** Its neighbours in InvocationLogs' list of running invocations. */
  previousRunning: InvocationLog | undefined = undefined;
  nextRunning: InvocationLog | undefined = undefined;
  /** When the line in full form that starts `text` was written. */
  private fullLineTs = 0;

  constructor(
    private readonly logs: InvocationLogs,
    readonly requestId: string,
    readonly functionPath: string,
  ) {}

  /** Writes a line; `final` (END, or a stray line) closes the entry. */
  write(level: LogLevel, message: string, final = false): void {
    const now = Date.now();
    if (this.text === '') {
      this.fullLineTs = now;
      this.text = encodeLine(now, level, this.requestId, message);
      if (!final && !this.sentPart) this.logs.started(this);
    } else {
      this.text += LINE_SEPARATOR + encodeNextLine(now - this.fullLineTs, level, message);
    }
    if (final) this.logs.ended(this);
    else this.logs.scheduleFlush();
  }
}
