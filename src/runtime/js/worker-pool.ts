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
import { answerCall, InvocationFailure, type Executor, type ExecutorOptions, type HostServices } from '../executor.js';
import type { JsWorkerData } from './handler-worker.js';
import { decodeBatch, encodeBatch, type WireBatch } from '../wire.js';
import { Outbox } from '../outbox.js';

const workerFile = fileURLToPath(new URL('./handler-worker.js', import.meta.url));

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: InvocationFailure) => void;
  deadline: number;
  slot: Slot;
}

class Slot {
  readonly inFlight = new Set<number>();
  alive = true;
  // Invocations and replies are JSON data (frames, request strings, stored values).
  private readonly outbox = new Outbox<ToExecutor>((batch) => this.alive && this.worker.postMessage(encodeBatch(batch, false)));

  constructor(readonly worker: Worker) {}

  send(message: ToExecutor): void {
    this.outbox.push(message);
  }
}

export class JsWorkerPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly pings = new Map<number, () => void>();
  private nextId = 1;
  private retiring: (() => void) | undefined;
  private retired = false;
  /** One timer for all deadlines, set for the oldest: a timer per invocation costs more than the invocation's bookkeeping. */
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly workerData: Omit<JsWorkerData, 'logPort'>,
    private readonly host: HostServices,
    private readonly options: ExecutorOptions,
  ) {}

  invoke(functionPath: string, requestId: string, invocation: Invocation): Promise<unknown> {
    // A retired deployment starts no new instance (it would never be stopped).
    if (this.retired) return Promise.reject(new InvocationFailure('lost', 'the deployment was replaced before this invocation could start'));
    const slot = this.pickSlot();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: Date.now() + this.options.timeoutMs, slot });
      slot.inFlight.add(id);
      slot.send({ t: 'invoke', id, requestId, functionPath, invocation });
      this.deadlineTimer ??= setTimeout(() => this.expire(), this.options.timeoutMs).unref();
    });
  }

  /** Pending invocations are in start order, and all have the same timeout: the first is the oldest. */
  private expire(): void {
    this.deadlineTimer = undefined;
    const now = Date.now();
    for (const [id, pending] of this.pending) {
      if (pending.deadline > now) {
        this.deadlineTimer = setTimeout(() => this.expire(), pending.deadline - now).unref();
        return;
      }
      this.timeOut(id);
    }
  }

  retire(): Promise<void> {
    return new Promise((resolve) => {
      this.retiring = () => {
        this.retiring = undefined;
        this.retired = true;
        void Promise.all([...this.slots].map((slot) => this.exitGracefully(slot))).then(() => resolve());
      };
      if (this.pending.size === 0) this.retiring();
    });
  }

  /** An idle instance flushes its logs and exits by itself; a stuck one would be terminated by its timeout first. */
  private exitGracefully(slot: Slot): Promise<void> {
    if (!slot.alive) return Promise.resolve();
    return new Promise((resolve) => {
      slot.worker.once('exit', () => resolve());
      slot.send({ t: 'retire' });
    });
  }

  private pickSlot(): Slot {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.inFlight.size === 0) return slot;
      if (!best || slot.inFlight.size < best.inFlight.size) best = slot;
    }
    if (!best || this.slots.length < this.options.maxInstances) return this.spawn();
    return best;
  }

  private spawn(): Slot {
    const logPort = this.host.openLogChannel();
    const worker = new Worker(workerFile, { workerData: { ...this.workerData, logPort }, transferList: [logPort], stdout: true, stderr: true });
    const slot = new Slot(worker);
    this.slots.push(slot);
    worker.on('message', (wire: WireBatch<FromExecutor>) => {
      for (const message of decodeBatch(wire)) this.receive(slot, message);
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
    switch (message.t) {
      case 'result': {
        slot.inFlight.delete(message.id);
        const pending = this.pending.get(message.id);
        if (!pending) return; // it already timed out
        this.settle(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new InvocationFailure('error', message.error.message, message.error.stack ?? message.error.message));
        return;
      }
      case 'publish':
        this.host.publish(message.socket, message.messageJson, message.ids);
        return;
      case 'call':
        answerCall(this.host, message.id, message.call, (reply) => slot.send(reply));
        return;
      case 'pong':
        this.pings.get(message.id)?.();
        return;
    }
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.retiring && this.pending.size === 0) this.retiring();
  }

  private timeOut(id: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.settle(id);
    pending.reject(new InvocationFailure('timeout', `the handler did not finish within ${this.options.timeoutMs} ms`));
    const { slot } = pending;
    if (!slot.alive) return;
    // A responsive worker is only waiting on I/O: leave its other invocations alone.
    const pingId = this.nextId++;
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
    for (const id of slot.inFlight) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.settle(id);
      pending.reject(new InvocationFailure('lost', `the invocation was lost: ${reason}`));
    }
    slot.inFlight.clear();
  }
}
