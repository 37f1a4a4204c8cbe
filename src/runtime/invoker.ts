/**
 * Runs one invocation through an executor and writes its log: `START`, the handler's
 * own lines (forwarded by the executor), the error with its stack, and `END` with the
 * duration. The request id is what a client sees in a 500 body or an error frame.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LogStore } from '../storage/logs.js';
import { InvocationFailure, type Executor } from './executor.js';
import type { Invocation } from './protocol.js';

export type Outcome =
  | { ok: true; requestId: string; value: unknown }
  | { ok: false; requestId: string; failure: InvocationFailure };

export class Invoker {
  constructor(
    private readonly project: string,
    private readonly executor: Executor,
    private readonly logs: LogStore,
  ) {}

  async invoke(functionPath: string, invocation: Invocation): Promise<Outcome> {
    const requestId = randomUUID();
    const started = performance.now();
    this.log(functionPath, requestId, 'start', '');
    try {
      const value = await this.executor.invoke(functionPath, requestId, invocation);
      return { ok: true, requestId, value };
    } catch (error) {
      const failure = error instanceof InvocationFailure ? error : new InvocationFailure('error', String(error));
      this.log(functionPath, requestId, 'error', failure.detail);
      return { ok: false, requestId, failure };
    } finally {
      this.log(functionPath, requestId, 'end', `${(performance.now() - started).toFixed(2)} ms`);
    }
  }

  private log(functionPath: string, requestId: string, level: 'start' | 'end' | 'error', message: string): void {
    this.logs.append({ ts: Date.now(), project: this.project, functionPath, requestId, level, message });
  }
}
