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

  /** `requestId`: given when the caller must know it before the invocation starts (nested function calls). */
  invoke(functionPath: string, invocation: Invocation, requestId: string = newRequestId()): Promise<Outcome> {
    return new Promise((resolve) => this.run(functionPath, invocation, resolve, requestId));
  }

  /**
   * The callback form, for the WebSocket frame path: `done` is called from the executor's own
   * event, so outcomes of one sequence (see Executor) reach the caller in order and before
   * anything the executor delivers after them — a promise would let later publishes overtake.
   */
  run(functionPath: string, invocation: Invocation, done: (outcome: Outcome) => void, requestId: string = newRequestId(), sequence?: string): void {
    const started = Date.now();
    let finished = false;
    const finish = (failure: InvocationFailure | undefined, value?: unknown): void => {
      if (finished) return; // (the catch below, should `done` itself throw)
      finished = true;
      if (!failure) return done({ ok: true, requestId, value });
      if (failure.kind !== 'error') {
        const now = Date.now();
        this.logs.append(
          chunkOf(this.project, functionPath, requestId, [
            { ts: now, level: 'error', requestId, message: failure.detail },
            { ts: now, level: 'end', requestId, message: `${now - started} ms` },
          ], true),
        );
      }
      done({ ok: false, requestId, failure });
    };
    try {
      this.executor.invoke(functionPath, requestId, invocation, finish, sequence);
    } catch (error) {
      // An executor that throws instead of completing (e.g. a worker that cannot start) is an outcome too.
      finish(error instanceof InvocationFailure ? error : new InvocationFailure('error', String(error)));
    }
  }
}
