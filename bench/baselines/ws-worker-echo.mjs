/**
 * Isolation floor (information only): the bare `ws` echo of ws-echo.mjs with the handler's
 * work moved to one worker thread, as OpenLess runs handlers — frames cross as one JSON
 * batch per event-loop turn each way, and a connection's next frame waits for its previous
 * reply (ordered handling). No request ids, logs, timeouts or SDK: what the thread hop
 * alone costs, so that the bench shows how much of OpenLess's gap is the runtime's own work.
 * Reports `{ port }` to its parent over IPC; exits when the parent disconnects or kills it.
 */
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { WebSocketServer } from 'ws';

/** Calls `deliver` with what `push` gathered, once per turn of the event loop. */
function batcher(deliver) {
  let batch = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const ready = batch;
    batch = [];
    deliver(JSON.stringify(ready));
  };
  return (item) => {
    batch.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

function gateway() {
  const worker = new Worker(new URL(import.meta.url));
  const send = batcher((text) => worker.postMessage(text));
  const connections = new Map();
  let nextId = 0;
  const dispatch = (connection, data) => {
    connection.busy = true;
    send([connection.id, data]);
  };
  worker.on('message', (text) => {
    for (const [id, reply] of JSON.parse(text)) {
      const connection = connections.get(id);
      if (!connection) continue;
      connection.ws.send(reply);
      connection.busy = false;
      if (connection.queue.length > 0) dispatch(connection, connection.queue.shift());
    }
  });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws) => {
    const connection = { id: ++nextId, ws, queue: [], busy: false };
    connections.set(connection.id, connection);
    ws.on('error', () => undefined);
    ws.on('close', () => connections.delete(connection.id));
    ws.on('message', (raw) => {
      let data;
      try {
        data = JSON.parse(raw.toString()).data;
      } catch {
        data = null;
      }
      if (connection.busy) connection.queue.push(data);
      else dispatch(connection, data);
    });
  });
  wss.on('listening', () => process.send?.({ port: wss.address().port }));
  process.on('disconnect', () => process.exit(0));
}

function handlerThread() {
  const send = batcher((text) => parentPort.postMessage(text));
  parentPort.on('message', (text) => {
    for (const [id, data] of JSON.parse(text)) send([id, JSON.stringify(`You said: "${JSON.stringify(data)}"`)]);
  });
}

if (isMainThread) gateway();
else handlerThread();
