/**
 * Runs on a thread of its own: gathers the chunks of each invocation and stores one
 * entry per invocation in `logs.db`, so that SQLite never costs the gateway thread time. Executors post their chunks here directly.
 * Messages from the gateway are handled in arrival order, so a `read` sees every earlier
 * `append` of the gateway; chunks of executors arrive within one event-loop turn of theirs.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { chunkText, LINE_SEPARATOR, type LogChunk } from '../logs.js';
import { SqliteLogStore } from './logs.js';
import type { FromLogThread, ToLogThread } from './log-thread-protocol.js';
import { scheduleThreadAsBatch } from '../../runtime/priority.js';

/** An invocation whose END has not arrived; bounded so a lost executor cannot grow it forever. */
const MAX_OPEN_INVOCATIONS = 10_000;

// Storing logs is never urgent: woken by a chunk, this thread waits for a free CPU instead of
// taking the gateway's (../../runtime/priority.ts).
scheduleThreadAsBatch();

const db = openDatabase((workerData as { file: string }).file, { pageSize: 65536 });
// Up to 50 ms of logs per transaction: `log --follow` lags by at most that much.
const store = new SqliteLogStore(db, { flushDelayMs: 50 });
const port = parentPort!;
const watching = new Map<string, () => void>();
interface OpenInvocation {
  ts: number;
  project: string;
  functionPath: string;
  texts: string[];
}
const open = new Map<string, OpenInvocation>();
const producers = new Set<MessagePort>();

function reply(message: FromLogThread): void {
  port.postMessage(message);
}

function take(chunks: LogChunk[]): void {
  const now = Date.now();
  for (const chunk of chunks) {
    const text = chunkText(chunk);
    if (chunk.requestId === '-') {
      store.append({ ts: now, project: chunk.project, functionPath: chunk.functionPath, text, count: chunk.count ?? 1 });
      continue;
    }
    let entry = open.get(chunk.requestId);
    if (!entry) {
      if (chunk.final) {
        store.append({ ts: now, project: chunk.project, functionPath: chunk.functionPath, text });
        continue;
      }
      if (open.size >= MAX_OPEN_INVOCATIONS) storeOldest();
      open.set(chunk.requestId, (entry = { ts: now, project: chunk.project, functionPath: chunk.functionPath, texts: [] }));
    }
    entry.texts.push(text);
    if (chunk.final) {
      open.delete(chunk.requestId);
      store.append({ ts: entry.ts, project: entry.project, functionPath: entry.functionPath, text: entry.texts.join(LINE_SEPARATOR) });
    }
  }
}

function storeOldest(): void {
  const [requestId, entry] = open.entries().next().value as [string, OpenInvocation];
  open.delete(requestId);
  store.append({ ts: entry.ts, project: entry.project, functionPath: entry.functionPath, text: entry.texts.join(LINE_SEPARATOR) });
}

function producer(producerPort: MessagePort): void {
  producers.add(producerPort);
  producerPort.on('message', take);
  // No receiveMessageOnPort() here: on a closing port it crashes Node 20 (SIGSEGV).
  producerPort.on('close', () => {
    producers.delete(producerPort);
    producerPort.removeAllListeners();
  });
}

/**
 * Messages on different ports have no order between them: before answering a read or
 * closing, take what executors have already posted so it is not missed.
 */
function drain(producerPort: MessagePort): void {
  let received: { message: unknown } | undefined;
  while ((received = receiveMessageOnPort(producerPort))) take(received.message as LogChunk[]);
}

function drainAll(): void {
  for (const producerPort of producers) drain(producerPort);
}

port.on('message', (message: ToLogThread) => {
  switch (message.t) {
    case 'append':
      take(message.chunks);
      return;
    case 'producer':
      producer(message.port);
      return;
    case 'read':
      drainAll();
      reply({ t: 'read', id: message.id, entries: store.read(message.project, message.functionPath, message.options) });
      return;
    case 'watch': {
      const key = `${message.project}\0${message.functionPath}`;
      if (message.on && !watching.has(key)) {
        watching.set(key, store.subscribe(message.project, message.functionPath, (entry) => reply({ t: 'stored', project: message.project, functionPath: message.functionPath, entry })));
      } else if (!message.on) {
        watching.get(key)?.();
        watching.delete(key);
      }
      return;
    }
    case 'deleteProject':
      for (const [requestId, entry] of open) if (entry.project === message.project) open.delete(requestId);
      store.deleteProject(message.project);
      reply({ t: 'done', id: message.id });
      return;
    case 'close':
      drainAll();
      while (open.size > 0) storeOldest();
      store.close();
      db.close();
      reply({ t: 'done', id: message.id });
      port.close();
      return;
  }
});
