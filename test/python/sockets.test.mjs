// Python socket handlers (SPEC 2.2, Python column) with real WebSocket clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../helpers/cli.mjs';
import { Client } from '../helpers/client.mjs';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/python-sockets', import.meta.url));

async function setup(t, overrides) {
  const server = await startTestServer(t, overrides);
  await server.deploy('pysock', fixture);
  const url = `${server.ws}/pysock/sockets/chat`;
  return { server, url, connect: (query = '', options) => Client.connect(`${url}${query}`, options) };
}

test('connect gets query and headers (case-insensitive), channels get dicts, frames stay in order', async (t) => {
  const { connect } = await setup(t);
  const client = await connect('?room=blue&room=red', { headers: { 'X-Test-Agent': 'tester' } });
  client.send({ channel: 'whoami' });
  const { connection_id, seen } = await client.nextJson();
  assert.equal(typeof connection_id, 'string');
  assert.deepEqual(seen, { query: { room: 'red' }, agent: 'tester', lower: 'tester' });
  for (const data of [0, false, '', null, "it's", { a: [1, { b: 'ü' }] }, [], 1.5]) {
    assert.deepEqual(await client.askJson('echo', data), { echo: data });
  }
  for (let i = 0; i < 100; i++) client.send({ channel: 'echo', data: i });
  for (let i = 0; i < 100; i++) assert.deepEqual(await client.nextJson(), { echo: i });
});

test('an async channel handler with a relative import of a sibling file', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  assert.equal(await client.ask('shout', 'hey'), '"HEY!"');
});

test('connect refuses with the returned status, 500 when it raises (traceback in the log); no disconnect for either', async (t) => {
  const { server, connect } = await setup(t);
  await assert.rejects(connect('?token=refuse'), { status: 401 });
  const thrown = await connect('?token=throw').catch((error) => error);
  assert.equal(thrown.status, 500);
  const { request_id } = JSON.parse(thrown.body);
  await server.waitForLog('pysock', 'sockets/chat/connect', new RegExp(`ERROR ${request_id} Traceback`));
  assert.match(await server.logs('pysock', 'sockets/chat/connect'), new RegExp(`ERROR ${request_id} Traceback[^]*\nRuntimeError: connect exploded\n`));

  const client = await connect();
  const id = (await client.askJson('whoami')).connection_id;
  await client.close();
  await server.waitForLog('pysock', 'sockets/chat/disconnect', new RegExp(`Client disconnected: ${id}`));
  const disconnects = (await server.logs('pysock', 'sockets/chat/disconnect')).match(/Client disconnected/g);
  assert.equal(disconnects.length, 1, 'the refused connections had no disconnect');
  assert.match(await server.logs('pysock', 'sockets/chat/connect'), new RegExp(`INFO \\S+ Client connected: ${id}\n`));
});

test('a raising channel handler yields internal_error; the traceback is logged; other connections are unaffected', async (t) => {
  const { server, connect } = await setup(t);
  const client = await connect();
  const bystander = await connect();
  client.send({ channel: 'boom' });
  const reply = await client.nextJson();
  assert.deepEqual(Object.keys(reply), ['error', 'message', 'request_id']);
  assert.equal(reply.error, 'internal_error');
  assert.doesNotMatch(reply.message, /exploded|Traceback/, 'no error text reaches the client');
  await server.waitForLog('pysock', 'sockets/chat/boom', new RegExp(`ERROR ${reply.request_id} Traceback`));
  const log = await server.logs('pysock', 'sockets/chat/boom');
  assert.match(log, new RegExp(`ERROR ${reply.request_id} Traceback \\(most recent call last\\):\n  File "less/sockets/chat/boom/__init__\\.py", line 2, in process\n[^]*\nKeyError: 'channel exploded'\n`));
  assert.deepEqual(await client.askJson('echo', 'still here'), { echo: 'still here' });
  assert.deepEqual(await bystander.askJson('echo', 'me too'), { echo: 'me too' });
});

test('a channel handler that calls sys.exit() fails only its own invocation; its process keeps serving', async (t) => {
  const { server, connect } = await setup(t, { executor: { maxInstances: 1 } });
  const client = await connect();
  const { pid } = await client.askJson('pid');
  const [before, reply, after] = await client.betweenEchoes('exit');
  assert.deepEqual([before, reply.error, after], [{ echo: 'before' }, 'internal_error', { echo: 'after' }]);
  await server.waitForLog('pysock', 'sockets/chat/exit', new RegExp(`ERROR ${reply.request_id} Traceback`));
  assert.match(await server.logs('pysock', 'sockets/chat/exit'), /sys\.exit\(3\)\nSystemExit: 3\n/);
  assert.deepEqual(await client.askJson('pid'), { pid }, 'the same process');
});

test('publish refuses a message over the unsent-data bound, naming the limit; one at the bound is sent', async (t) => {
  const { server, connect } = await setup(t, { sockets: { maxBufferedBytes: 16 * 1024 } });
  const client = await connect();
  // The echo publishes {"echo":"…"}: 11 bytes of JSON around the data; é is 2 bytes of UTF-8.
  const atBound = 'x'.repeat(16 * 1024 - 11);
  assert.deepEqual(await client.askJson('echo', atBound), { echo: atBound });
  const reply = await client.askJson('echo', 'é'.repeat(8187));
  assert.equal(reply.error, 'internal_error');
  await server.waitForLog('pysock', 'sockets/chat/echo', new RegExp(`ERROR ${reply.request_id} Traceback`));
  assert.match(
    await server.logs('pysock', 'sockets/chat/echo'),
    /\nValueError: sockets\.chat\.publish: the message is 16385 bytes as JSON, more than the 16384 bytes a connection may have unsent \(LESS_WS_MAX_BUFFERED_BYTES\).* raise LESS_WS_MAX_BUFFERED_BYTES on the server\n/,
  );
  assert.deepEqual(await client.askJson('echo', 'still open'), { echo: 'still open' });
});

test('publishing to a socket that does not exist raises an error naming it and the sockets', async (t) => {
  const { server, connect } = await setup(t);
  const client = await connect();
  client.send({ channel: 'badpublish' });
  assert.equal((await client.nextJson()).error, 'internal_error');
  await server.waitForLog('pysock', 'sockets/chat/badpublish', /LessError: sockets\.nope\.publish: project "pysock" has no socket "nope" \(sockets: chat\); add less\/sockets\/nope\/ or fix the name/);
});

test('publish reaches only the listed connections; unknown and non-string ids are skipped', async (t) => {
  const { connect } = await setup(t);
  const a = await connect();
  const b = await connect();
  const [idA, idB] = [(await a.askJson('whoami')).connection_id, (await b.askJson('whoami')).connection_id];
  a.send({ channel: 'tell', data: { message: { to: 'b' }, to: ['missing-id', idB, null, 7] } });
  assert.equal(await b.next(), '{"to":"b"}');
  a.send({ channel: 'tell', data: { message: 'to a', to: [idA] } });
  assert.equal(await a.next(), '"to a"', 'a got nothing before its own message');
});

test('`while True: pass` times out while another connection keeps getting echoes; the process is replaced', async (t) => {
  // One instance: the echoes share the spinning process until it times out (threads).
  const { connect } = await setup(t, { executor: { timeoutMs: 1500, maxInstances: 1 } });
  const spinner = await connect();
  const other = await connect();
  const { pid: first } = await other.askJson('pid');

  spinner.send({ channel: 'spin' });
  const timedOut = spinner.nextJson();
  let settled = false;
  void timedOut.then(() => (settled = true));
  let echoes = 0;
  while (!settled) {
    assert.deepEqual(await other.askJson('echo', echoes), { echo: echoes });
    echoes++;
  }
  assert.ok(echoes > 1, `the other connection got ${echoes} echoes meanwhile`);
  const reply = await timedOut;
  assert.equal(reply.error, 'internal_error');
  assert.match(reply.message, /did not finish within 1500 ms/);

  const { pid: replacement } = await spinner.askJson('pid');
  assert.notEqual(replacement, first, 'a new process serves the next invocation');
  assert.deepEqual(await spinner.askJson('echo', 'after'), { echo: 'after' });
  // The stuck process is killed once its other invocations settled. No event reaches the
  // test from another process's exit, so poll for it (bounded).
  const deadline = Date.now() + 5000;
  while (isAlive(first) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(isAlive(first), false, 'the timed-out process was stopped');
});
