// Limits and isolation (SPEC 2.2): message size, heartbeat, slow consumers, stuck handlers, fan-out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/sockets-js', import.meta.url));

test('a message over 32 KiB closes the connection with 1009; at the limit it is handled', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('limits', fixture);
  const client = await Client.connect(`${server.ws}/limits/sockets/chat`);
  const envelope = JSON.stringify({ channel: 'echo', data: '' });
  const atLimit = 'a'.repeat(32 * 1024 - envelope.length);
  client.send({ channel: 'echo', data: atLimit });
  assert.deepEqual(await client.nextJson(), { echo: atLimit });
  client.send({ channel: 'echo', data: `${atLimit}b` });
  assert.equal((await client.closed).code, 1009);
});

test('a client that stops answering pings is terminated after two missed pongs, and disconnect runs', async (t) => {
  const server = await startTestServer(t, { sockets: { pingIntervalMs: 100 } });
  await server.deploy('limits', fixture);
  const frozen = await Client.connect(`${server.ws}/limits/sockets/chat`, { autoPong: false });
  const alive = await Client.connect(`${server.ws}/limits/sockets/chat`);
  const id = await frozen.id();
  assert.equal((await frozen.closed).code, 1006, 'terminated without a close frame');
  await server.waitForLog('limits', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${id}`));
  // Several intervals have passed; the answering client is still connected.
  assert.deepEqual(await alive.askJson('echo', 1), { echo: 1 });
});

test('a client whose unsent data exceeds the bound is closed with 1013', async (t) => {
  const server = await startTestServer(t, { sockets: { maxBufferedBytes: 64 * 1024 } });
  await server.deploy('limits', fixture);
  const slow = await Client.connect(`${server.ws}/limits/sockets/chat`);
  slow.send({ channel: 'flood', data: { size: 60 * 1024, count: 400 } });
  slow.ws._socket.pause(); // stop reading: the server's send buffer for this client grows
  const other = await Client.connect(`${server.ws}/limits/sockets/chat`);
  // The flood is ~24 MB; the server gives up once more than 64 KiB wait beyond the kernel's buffers.
  await server.waitForLog('limits', 'sockets/chat/flood', /END/);
  slow.ws._socket.resume();
  const { code } = await slow.closed;
  assert.equal(code, 1013);
  const received = slow.frames.length;
  assert.ok(received < 400, `the slow client got ${received} of 400 messages before being cut off`);
  assert.deepEqual(await other.askJson('echo', 'fine'), { echo: 'fine' });
});

test('publish refuses a message over the unsent-data bound, naming the limit; one at the bound is sent', async (t) => {
  const server = await startTestServer(t, { sockets: { maxBufferedBytes: 16 * 1024 } });
  await server.deploy('limits', fixture);
  const client = await Client.connect(`${server.ws}/limits/sockets/chat`);
  // The echo publishes {"echo":"…"}: 11 bytes of JSON around the data; é is 2 bytes of UTF-8.
  const atBound = 'x'.repeat(16 * 1024 - 11);
  assert.deepEqual(await client.askJson('echo', atBound), { echo: atBound });
  const reply = await client.askJson('echo', 'é'.repeat(8187));
  assert.equal(reply.error, 'internal_error');
  await server.waitForLog(
    'limits',
    'sockets/chat/echo',
    new RegExp(`ERROR ${reply.request_id} RangeError: sockets\\.chat\\.publish: the message is 16385 bytes as JSON, more than the 16384 bytes a connection may have unsent \\(LESS_WS_MAX_BUFFERED_BYTES\\).* raise LESS_WS_MAX_BUFFERED_BYTES`),
  );
  assert.deepEqual(await client.askJson('echo', 'still open'), { echo: 'still open' });
});

test('a handler stuck in while(true){} times out while another client keeps getting echoes', async (t) => {
  const server = await startTestServer(t, { executor: { timeoutMs: 1500 } });
  await server.deploy('limits', fixture);
  const stuck = await Client.connect(`${server.ws}/limits/sockets/chat`);
  const other = await Client.connect(`${server.ws}/limits/sockets/chat`);
  stuck.send({ channel: 'spin' });
  const timedOut = stuck.nextJson();
  let echoes = 0;
  let settled = false;
  void timedOut.then(() => (settled = true));
  while (!settled && echoes < 10_000) {
    other.send({ channel: 'echo', data: echoes });
    assert.deepEqual(await other.nextJson(), { echo: echoes });
    echoes++;
  }
  const reply = await timedOut;
  assert.ok(echoes >= 5, `only ${echoes} echoes while a handler was stuck`);
  assert.equal(reply.error, 'internal_error');
  assert.match(reply.message, /did not finish within 1500 ms/);
  await server.waitForLog('limits', 'sockets/chat/spin', new RegExp(`ERROR ${reply.request_id} the handler did not finish within 1500 ms`));
  // The stuck connection is served again by a fresh instance.
  assert.deepEqual(await stuck.askJson('echo', 'back'), { echo: 'back' });
});

test('frames queued behind a stuck handler run on a fresh instance once it times out, in order', async (t) => {
  const server = await startTestServer(t, { executor: { timeoutMs: 800 } });
  await server.deploy('limits', fixture);
  const client = await Client.connect(`${server.ws}/limits/sockets/chat`);
  client.send({ channel: 'spin' });
  client.send({ channel: 'echo', data: 'first behind' });
  client.send({ channel: 'echo', data: 'second behind' });
  const reply = await client.nextJson();
  assert.equal(reply.error, 'internal_error');
  assert.match(reply.message, /did not finish within 800 ms/);
  // They never started on the blocked worker, so they are not lost: they run elsewhere.
  assert.deepEqual(await client.nextJson(), { echo: 'first behind' });
  assert.deepEqual(await client.nextJson(), { echo: 'second behind' });
});

test('frames queued behind a handler that never settles run once it times out, on the same instance', async (t) => {
  const server = await startTestServer(t, { executor: { timeoutMs: 800, maxInstances: 1 } });
  await server.deploy('limits', fixture);
  const client = await Client.connect(`${server.ws}/limits/sockets/chat`);
  const { instance } = await client.askJson('instance');
  client.send({ channel: 'hang' });
  client.send({ channel: 'echo', data: 'behind' });
  const reply = await client.nextJson();
  assert.equal(reply.error, 'internal_error');
  assert.match(reply.message, /did not finish within 800 ms/);
  assert.deepEqual(await client.nextJson(), { echo: 'behind' });
  // The instance was only waiting, not blocked: it was kept (module state survives).
  assert.deepEqual(await client.askJson('instance'), { instance });
});

test('a handler that calls process.exit() fails only its own invocation; its instance keeps serving', async (t) => {
  const server = await startTestServer(t, { executor: { maxInstances: 1 } });
  await server.deploy('limits', fixture);
  const client = await Client.connect(`${server.ws}/limits/sockets/chat`);
  const { instance } = await client.askJson('instance');
  // In one batch with the exit: it must not take the finished frame before it, or the one after it, along.
  const [before, reply, after] = await client.betweenEchoes('exit');
  assert.deepEqual([before, reply.error, after], [{ echo: 'before' }, 'internal_error', { echo: 'after' }]);
  await server.waitForLog('limits', 'sockets/chat/exit', new RegExp(`ERROR ${reply.request_id} Error: process\\.exit\\(3\\) was called: .* return from the handler`));
  assert.deepEqual(await client.askJson('instance'), { instance }, 'the same instance, module state kept');
});

test('200 clients all receive one publish', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('limits', fixture);
  const clients = await Promise.all(Array.from({ length: 200 }, () => Client.connect(`${server.ws}/limits/sockets/chat`)));
  const ids = await Promise.all(clients.map((client) => client.id()));
  const res = await fetch(`${server.base}/limits/apis/admin/broadcast`, { method: 'POST', body: JSON.stringify({ message: { hello: 'all' }, to: ids }) });
  assert.equal(res.status, 202);
  const frames = await Promise.all(clients.map((client) => client.next()));
  assert.deepEqual(new Set(frames), new Set(['{"hello":"all"}']));
  await Promise.all(clients.map((client) => client.close()));
});

test('2,000 clients connecting at once are all accepted while connect writes to the KVS', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('limits', fixture);
  const clients = [];
  for (let batch = 0; batch < 4; batch++) {
    clients.push(...(await Promise.all(Array.from({ length: 500 }, () => Client.connect(`${server.ws}/limits/sockets/chat`)))));
  }
  assert.equal((await (await server.admin('/status')).json()).connections, 2000);
  const ids = new Set(await Promise.all(clients.map((client) => client.id())));
  assert.equal(ids.size, 2000, 'every connect handler ran and stored its connection');
  await Promise.all(clients.map((client) => client.close()));
});

test('a connect handler over its timeout refuses the handshake with 504, and the socket keeps accepting', async (t) => {
  const server = await startTestServer(t, { executor: { timeoutMs: 500 } });
  await server.deploy('limits', fixture);
  const refused = await Client.connect(`${server.ws}/limits/sockets/chat?token=hang`).catch((error) => error);
  assert.equal(refused.status, 504);
  const { request_id } = JSON.parse(refused.body);
  await server.waitForLog('limits', 'sockets/chat/connect', new RegExp(`ERROR ${request_id} the handler did not finish within 500 ms`));
  const client = await Client.connect(`${server.ws}/limits/sockets/chat`);
  assert.equal(typeof (await client.id()), 'string');
});
