// Connect, disconnect and redeploys (SPEC 2.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/sockets-js', import.meta.url));

async function copyOfFixture(t) {
  const root = await mkdtemp(join(tmpdir(), 'openless-sockets-'));
  await cp(fixture, root, { recursive: true });
  t.after(() => rm(root, { recursive: true, force: true }));
  return root;
}

test('connect receives query and handshake headers (case-insensitive lookup)', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('life', fixture);
  const client = await Client.connect(`${server.ws}/life/sockets/chat?room=blue&room=red&x=%C3%BC`, { headers: { 'X-Test-Agent': 'tester' } });
  client.send({ channel: 'whoami' });
  const { seen } = await client.nextJson();
  assert.deepEqual(seen, { query: { room: 'red', x: 'ü' }, agent: 'tester', lower: 'tester' });
});

test('connect refuses with the returned status, 500 when it throws; no disconnect for either', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('life', fixture);
  const url = `${server.ws}/life/sockets/chat`;
  await assert.rejects(Client.connect(`${url}?token=refuse`), { status: 401 });
  await assert.rejects(Client.connect(`${url}?token=forbid`), { status: 403 });
  const thrown = await Client.connect(`${url}?token=throw`).catch((error) => error);
  assert.equal(thrown.status, 500);
  const { request_id } = JSON.parse(thrown.body);
  await server.waitForLog('life', 'sockets/chat/connect', new RegExp(`ERROR ${request_id} Error: connect exploded`));

  // A later accepted connection's disconnect is the first and only one in the log.
  const client = await Client.connect(url);
  const id = await client.id();
  await client.close();
  await server.waitForLog('life', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${id}`));
  const disconnects = (await server.logs('life', 'sockets/chat/disconnect')).match(/Client disconnected/g);
  assert.equal(disconnects.length, 1);
});

test('unknown project or socket is refused with 404 before any handler runs', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('life', fixture);
  await assert.rejects(Client.connect(`${server.ws}/life/sockets/nope`), {
    status: 404,
    body: JSON.stringify({ error: 'Not Found', message: 'project "life" has no socket "nope" (sockets: chat, other)' }),
  });
  await assert.rejects(Client.connect(`${server.ws}/ghost/sockets/chat`), {
    status: 404,
    body: JSON.stringify({ error: 'Not Found', message: 'no project "ghost" is deployed here (`less-cli list` shows the deployed projects)' }),
  });
  const plain = await fetch(`${server.base}/life/sockets/chat`);
  assert.equal(plain.status, 426);
});

test('disconnect fires exactly once on clean close and on abrupt termination', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('life', fixture);
  const clean = await Client.connect(`${server.ws}/life/sockets/chat`);
  const abrupt = await Client.connect(`${server.ws}/life/sockets/chat`);
  const [cleanId, abruptId] = [await clean.id(), await abrupt.id()];
  await clean.close();
  abrupt.ws.terminate();
  await server.waitForLog('life', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${cleanId}`));
  await server.waitForLog('life', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${abruptId}`));
  const status = await (await server.admin('/status')).json();
  assert.equal(status.connections, 0);
});

test('connect/close cycles leave no connection behind', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('life', fixture);
  for (let round = 0; round < 10; round++) {
    const clients = await Promise.all(Array.from({ length: 50 }, () => Client.connect(`${server.ws}/life/sockets/chat`)));
    await Promise.all(clients.map((client) => client.close()));
  }
  const last = await Client.connect(`${server.ws}/life/sockets/chat`);
  const id = await last.id();
  await last.close();
  await server.waitForLog('life', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${id}`));
  const status = await (await server.admin('/status')).json();
  assert.equal(status.connections, 0);
  const disconnects = (await server.logs('life', 'sockets/chat/disconnect')).match(/Client disconnected/g);
  assert.equal(disconnects.length, 501);
});

/** The fixture copied and deployed as `life`, with a client that got the `version` channel's "v1". */
async function deployedWithClient(t) {
  const server = await startTestServer(t);
  const root = await copyOfFixture(t);
  await server.deploy('life', root);
  const client = await Client.connect(`${server.ws}/life/sockets/chat`);
  assert.equal(await client.ask('version'), '"v1"');
  return { server, root, client };
}

/** Changes the copy's `version` channel to publish `version` (deploy it to take effect). */
function writeVersion(root, version) {
  return writeFile(
    join(root, 'less/sockets/chat/version/index.js'),
    `const { sockets } = require('@chuva.io/less');\nexports.process = async ({ connection_id }) => { await sockets.chat.publish('${version}', [connection_id]); };\n`,
  );
}

test('a redeploy with changed code keeps the connection open and the next frame gets the new reply', async (t) => {
  const { server, root, client } = await deployedWithClient(t);
  await writeVersion(root, 'v2');
  await server.deploy('life', root);
  assert.equal(await client.ask('version'), '"v2"');
  assert.equal(client.ws.readyState, client.ws.OPEN);
});

test('a frame sent after a redeploy waits for the frame still running on the old code', async (t) => {
  const { server, root, client } = await deployedWithClient(t);
  client.send({ channel: 'slow', data: { i: 0, ms: 1500 } });
  await writeVersion(root, 'v2');
  await server.deploy('life', root);
  const sentAt = Date.now();
  client.send({ channel: 'version' });
  // The new code answers, but only after the frame before it, which the old code still runs.
  const slow = await client.nextJson();
  assert.equal(slow.slow, 0);
  assert.ok(slow.ended >= sentAt, 'the old frame had ended before the next one was sent: nothing was held');
  assert.equal(await client.next(), '"v2"');
});

test('removing a socket closes its connections with 1001 and runs their disconnect', async (t) => {
  const server = await startTestServer(t);
  const root = await copyOfFixture(t);
  await server.deploy('life', root);
  const chat = await Client.connect(`${server.ws}/life/sockets/chat`);
  const other = await Client.connect(`${server.ws}/life/sockets/other`);
  const id = await chat.id();
  await rm(join(root, 'less/sockets/chat'), { recursive: true });
  await rm(join(root, 'less/apis'), { recursive: true });
  await server.deploy('life', root);
  assert.deepEqual(await chat.closed, { code: 1001, reason: 'socket removed' });
  assert.equal(other.ws.readyState, other.ws.OPEN);
  other.send({ channel: 'echo', data: 'ok' });
  assert.deepEqual(await other.nextJson(), { other: 'ok' });
  await server.waitForLog('life', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${id}`));
});

test('server shutdown closes connections with 1001 and runs disconnect', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'openless-home-'));
  const server = await startTestServer(t, { home });
  await server.deploy('life', fixture);
  const client = await Client.connect(`${server.ws}/life/sockets/chat`);
  const id = await client.id();
  await server.close();
  assert.equal((await client.closed).code, 1001);
  const again = await startTestServer(t, { home });
  // After hooks run in registration order: the servers stop before their home is removed.
  t.after(() => rm(home, { recursive: true, force: true }));
  assert.match(await again.logs('life', 'sockets/chat/disconnect'), new RegExp(`Client disconnected: ${id}`));
});

test('a socket removed while its connect handler runs: the new connection is closed with 1001', async (t) => {
  const server = await startTestServer(t);
  const root = await copyOfFixture(t);
  await server.deploy('life', root);
  const kv = (key) => fetch(`${server.base}/life/apis/admin/kv?key=${key}`).then((res) => res.json());
  const opening = Client.connect(`${server.ws}/life/sockets/chat?token=wait`);
  // The connect handler says it has started, then waits for "go".
  while ((await kv('wait:started')).value !== true);
  await rm(join(root, 'less/sockets/chat'), { recursive: true });
  await server.deploy('life', root);
  await fetch(`${server.base}/life/apis/admin/kv?key=wait:go&set=true`);
  const client = await opening;
  assert.deepEqual(await client.closed, { code: 1001, reason: 'socket removed' });
  assert.equal((await (await server.admin('/status')).json()).connections, 0);
});
