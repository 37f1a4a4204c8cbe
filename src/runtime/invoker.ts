/**
 * Runs one invocation through an executor. The executor writes the invocation's log
 * (START, the handler's lines, errors, END) straight to the log store; the gateway only
 * closes the entry when the executor could not: a timeout or a lost executor.
 * The request id is what a client sees in a 500 body or an error frame.
 */
import { chunkOf, type LogStore } from '../storage/logs.js';
import { InvocationFailure, type Executor } from './executor.js';
import type { Invocation } from './protocol.js';
import { newRequestId } from './request-id.js';

export type Outcome =
  | { ok: true; requestId: string; value: unknown }
  | { ok: false; requestId: string; failure: InvocationFailure };

export class Invoker {
  constructor(
    private readonly project: string,
    private readonly executor: Executor,
    private readonly logs: LogStore,
  ) {}

  /**
   * `requestId`: given when the caller must know it before the invocation starts (nested function calls).
   * A promise chain rather than an async function: this runs once per message, and an async frame
   * with an await allocates several objects more.
   */
  invoke(functionPath: string, invocation: Invocation, requestId: string = newRequestId()): Promise<Outcome> {
    const started = Date.now();
    let running: Promise<unknown>;
    try {
      running = this.executor.invoke(functionPath, requestId, invocation);
    } catch (error) {
      // An executor that throws instead of rejecting (e.g. a worker that cannot start) is an outcome too.
      running = Promise.reject(error);
    }
    return running.then(
      (value): Outcome => ({ ok: true, requestId, value }),
      (error: unknown): Outcome => {
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
      },
    );
  }
}
