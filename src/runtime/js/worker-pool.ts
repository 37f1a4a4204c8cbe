/**
 * Warm worker threads for one deployment's JavaScript/TypeScript handlers.
 *
 * Scheduling: an invocation goes to an idle worker; when every worker is busy and the
 * pool is below its bound, a new one starts; otherwise the least loaded one takes it.
 * An invocation of a sequence that has one in flight goes to that one's worker at once, which
 * starts it when the one ahead settles (handler-worker.ts): a connection's frames cross to
 * the worker together and their replies come back together, with no round trip in between.
 *
 * A worker whose invocation times out is pinged: if it answers, the invocation behind the
 * timed-out one in its sequence is released; if it does not (a `while(true){}`), it is
 * terminated and replaced, failing the invocations it had started and sending the ones still
 * queued behind them, which never started, to another worker.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { FromExecutor, Invocation, ToExecutor } from '../protocol.js';
import { forwardToHost, InvocationFailure, type Completion, type Executor, type ExecutorOptions, type HostServices } from '../executor.js';
import type { JsWorkerData } from './handler-worker.js';
import { encodeToExecutor, forEachFromExecutor, type WireBatch } from './js-wire.js';
import { Outbox } from '../outbox.js';
import { InFlight, pickInstance } from '../in-flight.js';
import { Sequences } from '../sequences.js';
import { IdTable } from '../id-table.js';

const workerFile = fileURLToPath(new URL('./handler-worker.js', import.meta.url));

class Slot {
  /** Its invocations in flight, by id. */
  readonly inFlight = new IdTable<Running>();
  alive = true;
  private readonly outbox = new Outbox<ToExecutor>((batch) => this.alive && this.worker.postMessage(encodeToExecutor(batch)));

  constructor(readonly worker: Worker) {}

  send(message: ToExecutor): void {
    this.outbox.push(message);
  }
}

/** An invocation in flight. */
interface Running {
  id: number;
  readonly slot: Slot;
  readonly functionPath: string;
  readonly requestId: string;
  readonly sequence: string | undefined;
  next?: Running;
  /**
   * Set while it waits in its worker for the one ahead of it in its sequence: should that
   * worker be lost, it never started and is sent again. Kept for waiting invocations only:
   * every object an invocation in flight holds survives a scavenge on the gateway thread.
   */
  waiting: Invocation | undefined;
}

export class JsWorkerPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly inFlight: InFlight<Running>;
  private readonly sequences = new Sequences<Running>();
  private readonly pings = new Map<number, () => void>();
  private retired = false;

  constructor(
    private readonly workerData: Omit<JsWorkerData, 'logPort' | 'niceIncrement' | 'batchPolicy'>,
    private readonly host: HostServices,
    private readonly options: ExecutorOptions,
  ) {
    this.inFlight = new InFlight(options.timeoutMs, (_id, data) => this.timedOut(data));
  }

  invoke(functionPath: string, requestId: string, invocation: Invocation, done: Completion, sequence?: string): void {
    // A retired deployment starts no new instance (it would never be stopped).
    if (this.retired) return done(new InvocationFailure('lost', 'the deployment was replaced before this invocation could start'));
    const ahead = sequence === undefined ? undefined : this.sequences.tail(sequence);
    const slot = ahead?.slot ?? pickInstance(this.slots, this.options.maxInstances, () => this.spawn());
    const running: Running = { id: 0, slot, functionPath, requestId, sequence, next: undefined, waiting: ahead ? invocation : undefined };
    running.id = this.inFlight.start(running, done, ahead !== undefined);
    this.sequences.append(running);
    slot.inFlight.set(running.id, running);
    const after = sequence === undefined ? undefined : (ahead?.id ?? 0);
    slot.send({ t: 'invoke', id: running.id, requestId, functionPath, invocation, after });
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
    const worker = new Worker(workerFile, { workerData: { ...this.workerData, logPort, niceIncrement: this.options.niceIncrement, batchPolicy: this.options.batchPolicy }, transferList: [logPort], stdout: true, stderr: true });
    const slot = new Slot(worker);
    this.slots.push(slot);
    worker.on('message', (wire: WireBatch<FromExecutor>) => {
      forEachFromExecutor(wire, (message) => this.receive(slot, message));
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
        if (!pending) return; // it timed out: its sequence moves on once the worker answers a ping
        this.release(pending.data);
        pending.done(message.ok ? undefined : InvocationFailure.thrown(message.error), message.ok ? message.value : undefined);
        return;
      }
      case 'pong':
        this.pings.get(message.id)?.();
        return;
    }
  }

  /** `running` ended: the invocation behind it in its sequence starts (its worker starts it too). */
  private release(running: Running): void {
    const next = this.sequences.release(running);
    if (!next) return;
    next.waiting = undefined;
    this.inFlight.begin(next.id);
  }

  /** The invocation was answered with a timeout; is its worker blocked (`while(true){}`) or only waiting? */
  private timedOut(running: Running): void {
    const { slot } = running;
    if (!slot.alive) return;
    // A responsive worker is only waiting on I/O: leave its other invocations alone, and let
    // the sequence of the timed-out one go on. A blocked one never starts what waits behind.
    const pingId = this.inFlight.newId();
    const unresponsive = setTimeout(() => {
      this.pings.delete(pingId);
      this.terminate(slot, `an invocation on the same executor blocked it for more than ${this.options.timeoutMs} ms`);
    }, Math.min(1000, this.options.timeoutMs));
    this.pings.set(pingId, () => {
      clearTimeout(unresponsive);
      this.pings.delete(pingId);
      if (running.sequence === undefined || !slot.alive) return;
      slot.send({ t: 'release', id: running.id });
      this.release(running);
    });
    slot.send({ t: 'ping', id: pingId });
  }

  private terminate(slot: Slot, reason: string): void {
    this.lose(slot, reason);
    void slot.worker.terminate();
  }

  /**
   * Removes a worker from the pool: the invocations it had started fail as "lost"; those still
   * waiting behind one of them never started, and are sent again, in order, to another worker.
   */
  private lose(slot: Slot, reason: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.sequences.forget((tail) => tail.slot === slot);
    const again: Array<{ running: Running; invocation: Invocation; done: Completion }> = [];
    for (const { id } of slot.inFlight.values()) {
      const pending = this.inFlight.end(id);
      if (!pending) continue;
      const { data, done } = pending;
      if (data.waiting) again.push({ running: data, invocation: data.waiting, done });
      else done(new InvocationFailure('lost', `the invocation was lost: ${reason}`));
    }
    slot.inFlight.clear();
    for (const { running, invocation, done } of again) this.invoke(running.functionPath, running.requestId, invocation, done, running.sequence);
  }
}
