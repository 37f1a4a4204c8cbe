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
 */
import { answerCall, InvocationFailure, type Executor, type ExecutorOptions, type HostServices } from '../executor.js';
import type { ApiResponse, Invocation } from '../protocol.js';
import { pythonCommand, pythonSdkDir } from './interpreter.js';
import { PythonProcess } from './python-process.js';
import type { FromPython, PythonWorkerInit } from './wire.js';

export interface PythonDeployment {
  project: string;
  dir: string;
  files: Record<string, string>;
  sockets: string[];
  env: Record<string, string>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: InvocationFailure) => void;
  deadline: number;
  process: PythonProcess;
  kind: Invocation['kind'];
}

export class PythonPool implements Executor {
  /** Processes that take new invocations. */
  private readonly active: PythonProcess[] = [];
  /** Active and draining processes: everything retire() must stop. */
  private readonly running = new Set<PythonProcess>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private retiring: (() => void) | undefined;
  private retired = false;
  /** One timer for all deadlines, set for the oldest (as in the JavaScript pool). */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly python: string;

  constructor(
    private readonly deployment: PythonDeployment,
    private readonly host: HostServices,
    private readonly options: ExecutorOptions,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.python = pythonCommand(env);
  }

  invoke(functionPath: string, requestId: string, invocation: Invocation): Promise<unknown> {
    if (this.retired) return Promise.reject(new InvocationFailure('lost', 'the deployment was replaced before this invocation could start'));
    const target = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: Date.now() + this.options.timeoutMs, process: target, kind: invocation.kind });
      target.inFlight.add(id);
      target.send({ t: 'invoke', id, requestId, functionPath, invocation });
      this.deadlineTimer ??= setTimeout(() => this.expire(), this.options.timeoutMs).unref();
    });
  }

  retire(): Promise<void> {
    return new Promise((resolve) => {
      this.retiring = () => {
        this.retiring = undefined;
        this.retired = true;
        void Promise.all([...this.running].map((process) => process.stop())).then(() => resolve());
      };
      if (this.pending.size === 0) this.retiring();
    });
  }

  private pick(): PythonProcess {
    let best: PythonProcess | undefined;
    for (const candidate of this.active) {
      if (candidate.inFlight.size === 0) return candidate;
      if (!best || candidate.inFlight.size < best.inFlight.size) best = candidate;
    }
    if (!best || this.active.length < this.options.maxInstances) return this.spawn();
    return best;
  }

  private spawn(): PythonProcess {
    const init: PythonWorkerInit = { t: 'init', ...this.deployment, sdk: pythonSdkDir };
    const started: PythonProcess = new PythonProcess(this.python, init, this.host, {
      message: (message) => this.receive(started, message),
      ended: (reason) => this.lose(started, reason),
    });
    this.active.push(started);
    this.running.add(started);
    return started;
  }

  private receive(from: PythonProcess, message: Exclude<FromPython, { t: 'logs' }>): void {
    switch (message.t) {
      case 'result': {
        const pending = this.pending.get(message.id);
        if (!pending) return; // it already timed out
        this.settle(message.id);
        if (message.ok) pending.resolve(pending.kind === 'api' ? decodeBody(message.value) : message.value);
        else pending.reject(new InvocationFailure('error', message.error.message, message.error.stack ?? message.error.message));
        return;
      }
      case 'publish':
        this.host.publish(message.socket, message.messageJson, message.ids);
        return;
      case 'call':
        answerCall(this.host, message.id, message.call, (reply) => from.send(reply));
        return;
      case 'pong':
        return;
    }
  }

  /** Pending invocations are in start order with one timeout: the first is the oldest. */
  private expire(): void {
    this.deadlineTimer = undefined;
    const now = Date.now();
    for (const [id, pending] of this.pending) {
      if (pending.deadline > now) {
        this.deadlineTimer = setTimeout(() => this.expire(), pending.deadline - now).unref();
        return;
      }
      this.settle(id);
      pending.reject(new InvocationFailure('timeout', `the handler did not finish within ${this.options.timeoutMs} ms`));
      this.drain(pending.process);
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

  private settle(id: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.process.inFlight.delete(id);
    if (pending.process.draining && pending.process.inFlight.size === 0) void pending.process.stop();
    if (this.retiring && this.pending.size === 0) this.retiring();
  }

  /** The process is gone (crashed, killed or stopped); the invocations it held fail as "lost". */
  private lose(gone: PythonProcess, reason: string): void {
    const index = this.active.indexOf(gone);
    if (index >= 0) this.active.splice(index, 1);
    this.running.delete(gone);
    for (const id of [...gone.inFlight]) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.settle(id);
      pending.reject(new InvocationFailure('lost', `the invocation was lost: ${reason}`));
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
