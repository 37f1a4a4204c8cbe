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
import { forwardToHost, InvocationFailure, type Executor, type ExecutorOptions, type HostServices } from '../executor.js';
import type { ApiResponse, Invocation } from '../protocol.js';
import { pythonCommand, pythonSdkDir } from './interpreter.js';
import { PythonProcess } from './python-process.js';
import { InFlight, pickInstance } from '../in-flight.js';
import type { FromPython, PythonWorkerInit } from './wire.js';

export interface PythonDeployment {
  project: string;
  dir: string;
  files: Record<string, string>;
  sockets: string[];
  env: Record<string, string>;
}

interface Running {
  process: PythonProcess;
  kind: Invocation['kind'];
}

export class PythonPool implements Executor {
  /** Processes that take new invocations. */
  private readonly active: PythonProcess[] = [];
  /** Active and draining processes: everything retire() must stop. */
  private readonly running = new Set<PythonProcess>();
  private readonly inFlight: InFlight<Running>;
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
      this.forget(id, running.process);
      this.drain(running.process);
    });
  }

  invoke(functionPath: string, requestId: string, invocation: Invocation): Promise<unknown> {
    if (this.retired) return Promise.reject(new InvocationFailure('lost', 'the deployment was replaced before this invocation could start'));
    const target = pickInstance(this.active, this.options.maxInstances, () => this.spawn());
    return this.inFlight.start({ process: target, kind: invocation.kind }, (id) => {
      target.inFlight.add(id);
      target.send({ t: 'invoke', id, requestId, functionPath, invocation });
    });
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
    const started: PythonProcess = new PythonProcess(this.python, init, this.host, {
      message: (message) => this.receive(started, message),
      ended: (reason) => this.lose(started, reason),
    });
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
        this.forget(message.id, pending.data.process);
        if (message.ok) pending.resolve(pending.data.kind === 'api' ? decodeBody(message.value) : message.value);
        else pending.reject(InvocationFailure.thrown(message.error));
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
    for (const id of [...gone.inFlight]) {
      gone.inFlight.delete(id);
      this.inFlight.end(id)?.reject(new InvocationFailure('lost', `the invocation was lost: ${reason}`));
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
