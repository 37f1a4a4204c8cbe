/**
 * Warm worker threads for one deployment's JavaScript/TypeScript handlers.
 *
 * Scheduling: an invocation goes to an idle worker; when every worker is busy and the
 * pool is below its bound, a new one starts; otherwise the least loaded one takes it.
 * A worker whose invocation times out is pinged: if it does not answer (a `while(true){}`),
 * it is terminated and replaced, failing only the invocations it held.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { FromExecutor, Invocation, ToExecutor } from '../protocol.js';
import { forwardToHost, InvocationFailure, type Executor, type ExecutorOptions, type HostServices } from '../executor.js';
import type { JsWorkerData } from './handler-worker.js';
import { decodeFromExecutor, encodeToExecutor, type WireBatch } from './js-wire.js';
import { Outbox } from '../outbox.js';
import { InFlight, pickInstance } from '../in-flight.js';

const workerFile = fileURLToPath(new URL('./handler-worker.js', import.meta.url));

class Slot {
  readonly inFlight = new Set<number>();
  alive = true;
  private readonly outbox = new Outbox<ToExecutor>((batch) => this.alive && this.worker.postMessage(encodeToExecutor(batch)));

  constructor(readonly worker: Worker) {}

  send(message: ToExecutor): void {
    this.outbox.push(message);
  }
}

export class JsWorkerPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly inFlight: InFlight<Slot>;
  private readonly pings = new Map<number, () => void>();
  private retired = false;

  constructor(
    private readonly workerData: Omit<JsWorkerData, 'logPort'>,
    private readonly host: HostServices,
    private readonly options: ExecutorOptions,
  ) {
    this.inFlight = new InFlight(options.timeoutMs, (id, slot) => this.timedOut(id, slot));
  }

  invoke(functionPath: string, requestId: string, invocation: Invocation): Promise<unknown> {
    // A retired deployment starts no new instance (it would never be stopped).
    if (this.retired) return Promise.reject(new InvocationFailure('lost', 'the deployment was replaced before this invocation could start'));
    const slot = pickInstance(this.slots, this.options.maxInstances, () => this.spawn());
    return this.inFlight.start(slot, (id) => {
      slot.inFlight.add(id);
      slot.send({ t: 'invoke', id, requestId, functionPath, invocation });
    });
  }

  /** Lets in-flight invocations finish, then lets every instance flush its logs and exit. */
  retire(): Promise<void> {
    return new Promise((resolve) =>
      this.inFlight.whenDrained(() => {
        this.retired = true;
        void Promise.all([...this.slots].map((slot) => this.exitGracefully(slot))).then(() => resolve());
      }),
    );
  }

  /** An idle instance flushes its logs and exits by itself; a stuck one would be terminated by its timeout first. */
  private exitGracefully(slot: Slot): Promise<void> {
    if (!slot.alive) return Promise.resolve();
    return new Promise((resolve) => {
      slot.worker.once('exit', () => resolve());
      slot.send({ t: 'retire' });
    });
  }

  private spawn(): Slot {
    const logPort = this.host.openLogChannel();
    const worker = new Worker(workerFile, { workerData: { ...this.workerData, logPort }, transferList: [logPort], stdout: true, stderr: true });
    const slot = new Slot(worker);
    this.slots.push(slot);
    worker.on('message', (wire: WireBatch<FromExecutor>) => {
      for (const message of decodeFromExecutor(wire)) this.receive(slot, message);
    });
    // Bytes written straight to process.stdout/stderr bypass console; keep them in the log.
    worker.stdout.on('data', (chunk: Buffer) => this.host.log({ level: 'info', message: chunk.toString().trimEnd() }));
    worker.stderr.on('data', (chunk: Buffer) => this.host.log({ level: 'error', message: chunk.toString().trimEnd() }));
    worker.on('error', (error) => this.lose(slot, `the executor crashed: ${error.stack ?? error.message}`));
    worker.on('exit', () => this.lose(slot, 'the executor exited'));
    worker.unref();
    return slot;
  }

  private receive(slot: Slot, message: FromExecutor): void {
    if (forwardToHost(this.host, message, (reply) => slot.send(reply))) return;
    switch (message.t) {
      case 'result': {
        slot.inFlight.delete(message.id);
        const pending = this.inFlight.end(message.id);
        if (!pending) return; // it already timed out
        if (message.ok) pending.resolve(message.value);
        else pending.reject(InvocationFailure.thrown(message.error));
        return;
      }
      case 'pong':
        this.pings.get(message.id)?.();
        return;
    }
  }

  /** The invocation was answered with a timeout; is its worker blocked (`while(true){}`) or only waiting? */
  private timedOut(_id: number, slot: Slot): void {
    if (!slot.alive) return;
    // A responsive worker is only waiting on I/O: leave its other invocations alone.
    const pingId = this.inFlight.newId();
    const unresponsive = setTimeout(() => {
      this.pings.delete(pingId);
      this.terminate(slot, `an invocation on the same executor blocked it for more than ${this.options.timeoutMs} ms`);
    }, Math.min(1000, this.options.timeoutMs));
    this.pings.set(pingId, () => {
      clearTimeout(unresponsive);
      this.pings.delete(pingId);
    });
    slot.send({ t: 'ping', id: pingId });
  }

  private terminate(slot: Slot, reason: string): void {
    this.lose(slot, reason);
    void slot.worker.terminate();
  }

  /** Removes a worker from the pool; the invocations it held fail as "lost". */
  private lose(slot: Slot, reason: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    this.slots.splice(this.slots.indexOf(slot), 1);
    for (const id of slot.inFlight) this.inFlight.end(id)?.reject(new InvocationFailure('lost', `the invocation was lost: ${reason}`));
    slot.inFlight.clear();
  }
}
