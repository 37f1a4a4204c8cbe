/**
 * Baseline: a bare `ws` echo server on 127.0.0.1 (random port). Each text frame
 * `{"channel":…,"data":…}` is parsed and answered with one text frame, the JSON of a
 * string — the same work shape as the example's channel handler, without a runtime.
 * Reports `{ port }` to its parent over IPC; exits when the parent disconnects or kills it.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  ws.on('error', () => undefined);
  ws.on('message', (raw) => {
    let data;
    try {
      data = JSON.parse(raw.toString()).data;
    } catch {
      data = null;
    }
    ws.send(JSON.stringify(`You said: "${JSON.stringify(data)}"`));
  });
});
wss.on('listening', () => process.send?.({ port: wss.address().port }));
process.on('disconnect', () => process.exit(0));
