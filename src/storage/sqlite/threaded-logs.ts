/**
 * The LogStore the server uses: appends are batched once per event-loop turn and sent to
 * the log thread (log-thread.ts), which formats and stores them. The gateway thread pays
 * one postMessage per turn for all the logs of that turn.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { LogChunk, LogEntry, LogStore } from '../logs.js';
import type { FromLogThread, ToLogThread } from './log-thread-protocol.js';

const threadFile = fileURLToPath(new URL('./log-thread.js', import.meta.url));

export class ThreadedLogStore implements LogStore {
  private readonly worker: Worker;
  private queue: LogChunk[] = [];
  private scheduled = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (message: FromLogThread) => void>();
  private readonly listeners = new Map<string, Set<(entry: LogEntry) => void>>();
  private closed = false;

  constructor(file: string) {
    this.worker = new Worker(threadFile, { workerData: { file } });
    this.worker.on('message', (message: FromLogThread) => {
      if (message.t === 'stored') {
        for (const listener of this.listeners.get(`${message.project}\0${message.functionPath}`) ?? []) listener(message.entry);
        return;
      }
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message);
    });
    this.worker.on('error', (error) => process.emitWarning(`log thread failed: ${error.message}`));
  }

  append(chunk: LogChunk): void {
    if (this.closed) return;
    this.queue.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  openChannel(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ t: 'producer', port: port2 } satisfies ToLogThread, [port2]);
    return port1;
  }

  async read(project: string, functionPath: string, options: { tail?: number; afterId?: number } = {}): Promise<LogEntry[]> {
    this.flush();
    const answer = await this.request((id) => ({ t: 'read', id, project, functionPath, options }));
    return answer.t === 'read' ? answer.entries : [];
  }

  subscribe(project: string, functionPath: string, listener: (entry: LogEntry) => void): () => void {
    const key = `${project}\0${functionPath}`;
    let set = this.listeners.get(key);
    if (!set) {
      this.listeners.set(key, (set = new Set()));
      this.post({ t: 'watch', project, functionPath, on: true });
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) {
        this.listeners.delete(key);
        this.post({ t: 'watch', project, functionPath, on: false });
      }
    };
  }

  async deleteProject(project: string): Promise<void> {
    this.flush();
    await this.request((id) => ({ t: 'deleteProject', id, project }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await this.request((id) => ({ t: 'close', id }));
    await this.worker.terminate();
  }

  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const chunks = this.queue;
    this.queue = [];
    this.post({ t: 'append', chunks });
  }

  private post(message: ToLogThread): void {
    if (!this.closed) this.worker.postMessage(message);
  }

  private request(make: (id: number) => ToLogThread): Promise<FromLogThread> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage(make(id));
    });
  }
}
