/**
 * Baseline: a bare `node:http` server on 127.0.0.1 (random port) answering every request
 * with `{"ok":true}` as JSON. Reports `{ port }` to its parent over IPC; exits when the
 * parent disconnects or kills it.
 */
import { createServer } from 'node:http';

const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({ ok: true });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
