/**
 * One Python worker process: spawns it, frames and batches the messages to it, decodes
 * the frames from it, and reports its end once.
 *
 *   fd 0 ignored · fd 1/2 the handler's unattributed output (logged as is)
 *   fd 3 server → worker frames · fd 4 worker → server frames
 *
 * Like the JavaScript executor, everything sent during one turn of the event loop leaves
 * as one frame: the per-write cost dominates a WebSocket echo.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import { encodeLine, encodeNextLine, LINE_SEPARATOR, type LogChunk } from '../../storage/logs.js';
import type { HostServices } from '../executor.js';
import { Outbox } from '../outbox.js';
import { lowerProcessPriority } from '../priority.js';
import { encodeFrame, FrameDecoder, FrameError } from './framing.js';
import { workerScript } from './interpreter.js';
import type { FromPython, PythonLogChunk, PythonWorkerInit, ToPython } from './wire.js';
import { IdTable } from '../id-table.js';

/** How long a retired process may take to flush its logs and exit before it is killed. */
const EXIT_GRACE_MS = 2000;

export interface ProcessEvents {
  message(message: Exclude<FromPython, { t: 'logs' }>): void;
  /** Called once, when the process is gone for whatever reason. */
  ended(reason: string): void;
}

export class PythonProcess {
  /** Invocations sent to this process and not settled yet: id → id (id-table.ts). */
  readonly inFlight = new IdTable<number>();
  alive = true;
  /** A timed-out invocation may still run here: no new work; stopped once inFlight is empty. */
  draining = false;
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  private readonly outbox = new Outbox<ToPython>((batch) => this.alive && this.toWorker.write(encodeFrame(batch)));
  private stopping = false;
  private readonly exited: Promise<void>;
  /** The log store's port for this process's log chunks (a worker thread would hold it itself). */
  private readonly logPort: MessagePort;

  constructor(
    python: string,
    init: PythonWorkerInit,
    private readonly host: Pick<HostServices, 'log' | 'openLogChannel'>,
    private readonly events: ProcessEvents,
    /** Nice steps below the server's priority the process runs at (../priority.ts). */
    niceIncrement: number,
    /** The process runs under the batch policy (../priority.ts); it sets that itself, at start. */
    batchPolicy: boolean,
  ) {
    this.logPort = host.openLogChannel();
    // The server's own environment, so PATH, PYTHONPATH or a venv apply to the interpreter;
    // the worker then replaces os.environ with the deployment's variables.
    this.child = spawn(python, [workerScript, ...(batchPolicy ? ['--batch-policy'] : [])], { cwd: init.dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    // At once, before the interpreter starts the threads that run invocations: they inherit it.
    lowerProcessPriority(this.child.pid, niceIncrement);
    const stdout = this.child.stdout!;
    const stderr = this.child.stderr!;
    this.toWorker = this.child.stdio[3] as Writable;
    const fromWorker = this.child.stdio[4] as Readable;
    // 'close' comes after the last output has been read; a process that never started has only 'error'.
    const neverStarted = new Promise<Error>((resolve) => this.child.on('error', (error) => this.child.pid === undefined && resolve(error)));
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => resolve());
      void neverStarted.then(() => resolve());
    });
    void this.exited.then(() => this.logPort.close());

    const decoder = new FrameDecoder();
    fromWorker.on('data', (chunk: Buffer) => {
      let batches: unknown[][];
      try {
        batches = decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof FrameError)) throw error;
        this.kill(`the worker sent a corrupt frame: ${error.message}`);
        return;
      }
      for (const batch of batches) {
        for (const message of batch as FromPython[]) {
          if (message.t === 'logs') this.logPort.postMessage(message.chunks.map((chunk) => toLogChunk(init.project, chunk)));
          else this.events.message(message);
        }
      }
    });
    stdout.on('data', (chunk: Buffer) => this.host.log({ level: 'info', message: chunk.toString().trimEnd() }));
    stderr.on('data', (chunk: Buffer) => this.host.log({ level: 'error', message: chunk.toString().trimEnd() }));
    // A write after the process died fails with EPIPE; 'close' below reports the end.
    this.toWorker.on('error', () => undefined);
    fromWorker.on('error', () => undefined);
    void neverStarted.then((error) => this.end(`${python} could not be started (${error.message}) — install Python 3.8 or newer, or set LESS_PYTHON to an interpreter`));
    this.child.once('close', (code, signal) => this.end(signal ? `the Python worker was killed (${signal})` : `the Python worker exited with code ${code}`));
    // A forgotten pool must not keep the server process alive.
    this.child.unref();
    for (const stream of [stdout, stderr, this.toWorker, fromWorker]) (stream as unknown as { unref?: () => void }).unref?.();

    this.send(init);
  }

  send(message: ToPython): void {
    this.outbox.push(message);
  }

  /** Asks the process to flush its logs and exit; kills it if it has not within EXIT_GRACE_MS. */
  stop(): Promise<void> {
    if (this.alive && !this.stopping) {
      this.stopping = true;
      this.send({ t: 'retire' });
      const timer = setTimeout(() => this.kill('it did not exit after being retired'), EXIT_GRACE_MS);
      timer.unref();
      void this.exited.then(() => clearTimeout(timer));
    }
    return this.exited;
  }

  kill(reason: string): void {
    this.end(reason);
    this.child.kill('SIGKILL');
  }

  private end(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.events.ended(reason);
  }
}

function toLogChunk(project: string, chunk: PythonLogChunk): LogChunk {
  const { functionPath, requestId, final } = chunk;
  // Lines after the chunk's first are stored short, relative to it (storage/logs.ts).
  const first = chunk.lines[0]?.[0] ?? 0;
  const text = chunk.lines
    .map(([ts, level, message], i) => (i === 0 ? encodeLine(ts, level, requestId, message) : encodeNextLine(ts - first, level, message)))
    .join(LINE_SEPARATOR);
  return { project, functionPath, requestId, text, final };
}
