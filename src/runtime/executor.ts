/**
 * An executor runs one deployment's handlers away from the gateway thread.
 * One implementation per language (js/worker-pool.ts, python/python-pool.ts), combined
 * by language-router.ts.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FromExecutor, HostCall, Invocation, LogLevelFromHandler, SerializedError, ToExecutor } from './protocol.js';

/** What handlers can reach on the host, provided by the server to every executor. */
export interface HostServices {
  call(call: HostCall): Promise<unknown>;
  publish(socket: string, messageJson: string, ids: string[]): void;
  /** Output the executor could not attribute to an invocation (e.g. raw writes to stdout). */
  log(line: { level: LogLevelFromHandler; message: string }): void;
  /** A port for one executor instance to post its invocations' log chunks on. */
  openLogChannel(): MessagePort;
}

/**
 * What every executor does with an instance's `publish` and `call` messages: publishes go to
 * the host; a call is answered on the instance's own channel. Returns false for other messages.
 */
export function forwardToHost(host: HostServices, message: FromExecutor, reply: (message: Extract<ToExecutor, { t: 'reply' }>) => void): boolean {
  if (message.t === 'publish') host.publish(message.socket, message.messageJson, message.ids);
  else if (message.t === 'call') answerCall(host, message.id, message.call, reply);
  else return false;
  return true;
}

/** Answers an instance's host call on the instance's own channel, with the error's message and code if it fails. */
function answerCall(host: HostServices, id: number, call: HostCall, reply: (message: Extract<ToExecutor, { t: 'reply' }>) => void): void {
  host.call(call).then(
    (value) => reply({ t: 'reply', id, ok: true, value }),
    (error: Error & { code?: string }) => reply({ t: 'reply', id, ok: false, error: { message: error.message, code: error.code } }),
  );
}

/** Why an invocation produced no result. */
export type FailureKind = 'error' | 'timeout' | 'lost';

export class InvocationFailure extends Error {
  /** The handler threw: the caller sees its message, the log its stack. */
  static thrown(error: SerializedError): InvocationFailure {
    return new InvocationFailure('error', error.message, error.stack ?? error.message);
  }

  readonly kind: FailureKind;
  readonly detail: string;

  constructor(kind: FailureKind, message: string, detail?: string) {
    super(message);
    this.kind = kind;
    // The stack of the user's error (or an explanation), for the function's log only.
    this.detail = detail ?? message;
  }
}

/**
 * How an invocation ended: no failure and the handler's result, or why there is none. Called
 * exactly once, from the executor's own event (a result arriving, a timeout), so a caller sees
 * the completions of one executor in the order they happen.
 */
export type Completion = (failure: InvocationFailure | undefined, value?: unknown) => void;

export interface Executor {
  /**
   * Runs one invocation. Invocations given the same `sequence` key (a WebSocket connection's
   * frames) run one at a time, in the order of these calls: each starts once the one before it
   * has ended — settled, timed out, or been lost — and its timeout counts from its own start.
   */
  invoke(functionPath: string, requestId: string, invocation: Invocation, done: Completion, sequence?: string): void;
  /** Lets in-flight invocations finish (each is bounded by its timeout), then stops. */
  retire(): Promise<void>;
}

export interface ExecutorOptions {
  /** Per-invocation timeout; the SPEC default is 30 s. */
  timeoutMs: number;
  /** Upper bound of warm instances per deployment. */
  maxInstances: number;
  /** Nice steps below the server's priority that instances run at (priority.ts); 0: the server's. */
  niceIncrement: number;
  /** Instances run under the batch policy (priority.ts): woken, they never preempt the gateway. */
  batchPolicy: boolean;
}
