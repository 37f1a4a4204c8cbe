/**
 * Runs one invocation through an executor. The executor writes the invocation's log
 * (START, the handler's lines, errors, END) straight to the log store; the gateway only
 * closes the entry when the executor could not: a timeout or a lost executor.
 * The request id is what a client sees in a 500 body or an error frame.
 */
import { randomUUID } from 'node:crypto';
import { chunkOf, type LogStore } from '../storage/logs.js';
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

  /** `requestId`: given when the caller must know it before the invocation starts (nested function calls). */
  async invoke(functionPath: string, invocation: Invocation, requestId: string = randomUUID()): Promise<Outcome> {
    const started = Date.now();
    try {
      const value = await this.executor.invoke(functionPath, requestId, invocation);
      return { ok: true, requestId, value };
    } catch (error) {
      const failure = error instanceof InvocationFailure ? error : new InvocationFailure('error', String(error));
      if (failure.kind !== 'error') {
        const now = Date.now();
        this.logs.append(
          chunkOf(this.project, functionPath, requestId, [
            { ts: now, level: 'error', requestId, message: failure.detail },
            { ts: now, level: 'end', requestId, message: `${now - started} ms` },
          ], true),
        );
      }
      return { ok: false, requestId, failure };
    }
  }
}
