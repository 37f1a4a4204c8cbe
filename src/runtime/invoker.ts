/**
 * Runs one invocation through an executor and writes its log entry: `START`, the handler's
 * own lines (forwarded by the executor while it runs), the error with its stack, and `END`
 * with the duration — stored together when the invocation ends, one row per invocation.
 * The request id is what a client sees in a 500 body or an error frame.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LogLine, LogStore } from '../storage/logs.js';
import { InvocationFailure, type Executor } from './executor.js';
import type { Invocation, LogLevelFromHandler } from './protocol.js';

export type Outcome =
  | { ok: true; requestId: string; value: unknown }
  | { ok: false; requestId: string; failure: InvocationFailure };

export interface HandlerLine {
  requestId: string;
  functionPath: string;
  level: LogLevelFromHandler;
  message: string;
}

export class Invoker {
  /** Lines of the invocations in flight, by request id. */
  private readonly running = new Map<string, LogLine[]>();

  constructor(
    private readonly project: string,
    private readonly executor: Executor,
    private readonly logs: LogStore,
  ) {}

  async invoke(functionPath: string, invocation: Invocation): Promise<Outcome> {
    const requestId = randomUUID();
    const ts = Date.now();
    const started = performance.now();
    const lines: LogLine[] = [{ ts, level: 'start', requestId, message: '' }];
    this.running.set(requestId, lines);
    try {
      const value = await this.executor.invoke(functionPath, requestId, invocation);
      return { ok: true, requestId, value };
    } catch (error) {
      const failure = error instanceof InvocationFailure ? error : new InvocationFailure('error', String(error));
      lines.push({ ts: Date.now(), level: 'error', requestId, message: failure.detail });
      return { ok: false, requestId, failure };
    } finally {
      const duration = `${(performance.now() - started).toFixed(2)} ms`;
      lines.push({ ts: Date.now(), level: 'end', requestId, message: duration });
      this.running.delete(requestId);
      this.logs.append({ project: this.project, functionPath, lines });
    }
  }

  /** A line a handler printed; output outside any invocation (module load, timers) stands alone. */
  handlerLine(line: HandlerLine): void {
    const logLine: LogLine = { ts: Date.now(), level: line.level, requestId: line.requestId, message: line.message };
    const lines = this.running.get(line.requestId);
    if (lines) lines.push(logLine);
    else this.logs.append({ project: this.project, functionPath: line.functionPath, lines: [logLine] });
  }
}
