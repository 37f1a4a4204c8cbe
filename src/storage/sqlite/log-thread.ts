/**
 * Runs on a thread of its own: formats and stores function logs in `logs.db`, so that
 * neither SQLite inserts nor timestamp formatting ever cost the gateway thread time.
 * Messages are handled in arrival order, so a `read` sees every earlier `append`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { toRecord } from '../logs.js';
import { SqliteLogStore } from './logs.js';
import type { ToLogThread, FromLogThread } from './log-thread-protocol.js';

const db = openDatabase((workerData as { file: string }).file);
const store = new SqliteLogStore(db);
const port = parentPort!;
const watching = new Map<string, () => void>();

function reply(message: FromLogThread): void {
  port.postMessage(message);
}

port.on('message', (message: ToLogThread) => {
  switch (message.t) {
    case 'append':
      for (const input of message.inputs) store.append(toRecord(input));
      return;
    case 'read':
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
      store.deleteProject(message.project);
      reply({ t: 'done', id: message.id });
      return;
    case 'close':
      store.close();
      db.close();
      reply({ t: 'done', id: message.id });
      port.close();
      return;
  }
});
