/**
 * Warm Python worker processes for one deployment's Python handlers.
 *
 * Scheduling is the JavaScript pool's: an idle process, else a new one while below
 * `maxInstances`, else the least loaded. Each process runs its invocations on a thread
 * pool, so several are in flight per process (see openless_worker/main.py for why).
 *
 * Timeouts: the invocation is answered at once. A Python thread cannot be stopped, so its
 * process starts *draining*:
 *
 *   active ──timeout──► draining ──its other invocations settled──► stopped (SIGKILL if it lingers)
 *      │                                                              ▲
 *      └──────────────crash: in-flight invocations fail as "lost"─────┘
 *
 * A draining process takes no new invocation; the next one starts a replacement, which
 * does not count against the draining one.
 *
 * Sequences (a connection's frames) are kept here: an invocation whose sequence has one in
 * flight stays in the pool until that one has ended, then goes to a process like any other.
 */
import { forwardToHost, InvocationFailure, type Completion, type Executor, type ExecutorOptions, type HostServices } from '../executor.js';
import type { ApiResponse, Invocation } from '../protocol.js';
import { pythonCommand, pythonSdkDir } from './interpreter.js';
import { PythonProcess } from './python-process.js';
import { InFlight, pickInstance } from '../in-flight.js';
import { Sequences } from '../sequences.js';
import type { FromPython, PythonWorkerInit } from './wire.js';

export interface PythonDeployment {
  project: string;
  dir: string;
  files: Record<string, string>;
  sockets: string[];
  /** The largest message `publish` sends, in UTF-8 bytes of its JSON (SocketLimits.maxBufferedBytes). */
  maxPublishBytes: number;
  env: Record<string, string>;
}

interface Running {
  id: number;
  /** Set when it is sent to a process (an invocation waiting in its sequence is not yet). */
  process?: PythonProcess;
  readonly functionPath: string;
  readonly requestId: string;
  readonly invocation: Invocation;
  readonly sequence: string | undefined;
  next?: Running;
}

export class PythonPool implements Executor {
  /** Processes that take new invocations. */
  private readonly active: PythonProcess[] = [];
  /** Active and draining processes: everything retire() must stop. */
  private readonly running = new Set<PythonProcess>();
  private readonly inFlight: InFlight<Running>;
  private readonly sequences = new Sequences<Running>();
  private retired = false;
  private readonly python: string;

  constructor(
    private readonly deployment: PythonDeployment,
    private readonly host: HostServices,
    private readonly options: ExecutorOptions,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.python = pythonCommand(env);
    this.inFlight = new InFlight(options.timeoutMs, (id, running) => {
      this.forget(id, running.process!);
      this.drain(running.process!);
      // Its thread may go on, but its sequence does not wait for it (on another process).
      this.release(running);
    });
  }

  invoke(functionPath: string, requestId: string, invocation: Invocation, done: Completion, sequence?: string): void {
    if (this.retired) return done(new InvocationFailure('lost', 'the deployment was replaced before this invocation could start'));
    const ahead = sequence === undefined ? undefined : this.sequences.tail(sequence);
    const running: Running = { id: 0, functionPath, requestId, invocation, sequence };
    running.id = this.inFlight.start(running, done, ahead !== undefined);
    this.sequences.append(running);
    if (!ahead) this.send(running);
  }

  private send(running: Running): void {
    const target = pickInstance(this.active, this.options.maxInstances, () => this.spawn());
    running.process = target;
    target.inFlight.set(running.id, running.id);
    // A channel frame's text is for executors that take it (the JavaScript one): Python gets the payload.
    const { invocation } = running;
    const sent: Invocation = invocation.kind === 'event' && invocation.frame !== undefined ? { kind: 'event', payload: invocation.payload } : invocation;
    target.send({ t: 'invoke', id: running.id, requestId: running.requestId, functionPath: running.functionPath, invocation: sent });
  }

  /** `running` ended: the invocation behind it in its sequence starts. */
  private release(running: Running): void {
    const next = this.sequences.release(running);
    if (!next) return;
    this.inFlight.begin(next.id);
    this.send(next);
  }

  retire(): Promise<void> {
    return new Promise((resolve) =>
      this.inFlight.whenDrained(() => {
        this.retired = true;
        void Promise.all([...this.running].map((process) => process.stop())).then(() => resolve());
      }),
    );
  }

  private spawn(): PythonProcess {
    const init: PythonWorkerInit = { t: 'init', ...this.deployment, sdk: pythonSdkDir };
    const started: PythonProcess = new PythonProcess(
      this.python,
      init,
      this.host,
      {
        message: (message) => this.receive(started, message),
        ended: (reason) => this.lose(started, reason),
      },
      this.options.niceIncrement,
      this.options.batchPolicy,
    );
    this.active.push(started);
    this.running.add(started);
    return started;
  }

  private receive(from: PythonProcess, message: Exclude<FromPython, { t: 'logs' }>): void {
    if (forwardToHost(this.host, message, (reply) => from.send(reply))) return;
    switch (message.t) {
      case 'result': {
        const pending = this.inFlight.end(message.id);
        if (!pending) return; // it already timed out
        const running = pending.data;
        this.forget(message.id, running.process!);
        this.release(running);
        if (message.ok) pending.done(undefined, running.invocation.kind === 'api' ? decodeBody(message.value) : message.value);
        else pending.done(InvocationFailure.thrown(message.error));
        return;
      }
      case 'pong':
        return;
    }
  }


  /** Its timed-out thread may run forever: no new work for this process, and stop it once idle. */
  private drain(target: PythonProcess): void {
    if (!target.draining) {
      target.draining = true;
      const index = this.active.indexOf(target);
      if (index >= 0) this.active.splice(index, 1);
    }
    if (target.inFlight.size === 0) void target.stop();
  }

  /** The invocation left its process; a draining process that has none left stops. */
  private forget(id: number, from: PythonProcess): void {
    from.inFlight.delete(id);
    if (from.draining && from.inFlight.size === 0) void from.stop();
  }

  /** The process is gone (crashed, killed or stopped); the invocations it held fail as "lost". */
  private lose(gone: PythonProcess, reason: string): void {
    const index = this.active.indexOf(gone);
    if (index >= 0) this.active.splice(index, 1);
    this.running.delete(gone);
    for (const id of gone.inFlight.values()) {
      gone.inFlight.delete(id);
      const pending = this.inFlight.end(id);
      if (!pending) continue;
      this.release(pending.data);
      pending.done(new InvocationFailure('lost', `the invocation was lost: ${reason}`));
    }
  }
}

/** Python sends a bytes body base64-encoded (JSON has no bytes); the gateway wants the bytes. */
function decodeBody(value: unknown): unknown {
  const response = value as (ApiResponse & { bodyEncoding?: string }) | null;
  if (response && typeof response === 'object' && response.bodyEncoding === 'base64' && typeof response.body === 'string') {
    return { statusCode: response.statusCode, headers: response.headers, body: new Uint8Array(Buffer.from(response.body, 'base64')) };
  }
  return value;
}
