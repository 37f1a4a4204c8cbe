// Client → server frames: channels, bad input, order, handler failures (SPEC 2.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/sockets-js', import.meta.url));

async function setup(t) {
  const server = await startTestServer(t);
  await server.deploy('frames', fixture);
  const connect = () => Client.connect(`${server.ws}/frames/sockets/chat`);
  return { server, connect };
}

test('every bad input gets its error frame and the connection keeps working', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  const cases = [
    ['not json', 'invalid_json'],
    ['[1,2]', 'invalid_message'],
    ['"just a string"', 'invalid_message'],
    ['null', 'invalid_message'],
    ['{"data":1}', 'invalid_message'],
    ['{"channel":42}', 'invalid_message'],
    ['{"channel":"nope"}', 'channel_not_found'],
    ['{"channel":"connect"}', 'channel_not_found'],
    ['{"channel":"disconnect"}', 'channel_not_found'],
    ['{"channel":"constructor"}', 'channel_not_found'],
    [Buffer.from([0xde, 0xad]), 'binary_not_supported'],
  ];
  for (const [frame, code] of cases) {
    client.send(frame);
    const reply = await client.nextJson();
    assert.equal(reply.error, code, `frame ${frame}`);
    assert.equal(typeof reply.message, 'string');
    assert.deepEqual(Object.keys(reply), ['error', 'message']);
  }
  assert.deepEqual(await client.askJson('echo', 'still here'), { echo: 'still here' });
});

test('channel_not_found names the socket and its channels', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  client.send({ channel: 'nope' });
  const reply = await client.nextJson();
  assert.match(reply.message, /socket "chat" has no channel "nope"/);
  assert.match(reply.message, /echo/);
});

test('frames of one connection are handled one at a time, in arrival order', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  for (let i = 0; i < 200; i++) client.send({ channel: 'echo', data: i });
  for (let i = 0; i < 200; i++) assert.deepEqual(await client.nextJson(), { echo: i });
});

test('an async handler runs one frame of a connection at a time: each starts after the previous ended', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  // Sent at once, with waits that would let later frames overtake or overlap if they ran together.
  const waits = [30, 5, 20, 1, 15, 0, 10, 2];
  waits.forEach((ms, i) => client.send({ channel: 'slow', data: { i, ms } }));
  // A bad frame queued behind them is answered in its turn, not before.
  client.send('not json');
  let previousEnd = 0;
  for (let i = 0; i < waits.length; i++) {
    const reply = await client.nextJson();
    assert.equal(reply.slow, i);
    assert.ok(reply.started >= previousEnd, `frame ${i} started at ${reply.started}, before frame ${i - 1} ended at ${previousEnd}`);
    previousEnd = reply.ended;
  }
  assert.equal((await client.nextJson()).error, 'invalid_json');
});

test('frames of several connections run side by side while each connection keeps its order', async (t) => {
  const { connect } = await setup(t);
  const clients = await Promise.all(Array.from({ length: 4 }, () => connect()));
  for (const client of clients) for (let i = 0; i < 3; i++) client.send({ channel: 'slow', data: { i, ms: 40 } });
  const replies = await Promise.all(clients.map(async (client) => [await client.nextJson(), await client.nextJson(), await client.nextJson()]));
  for (const frames of replies) assert.deepEqual(frames.map((reply) => reply.slow), [0, 1, 2]);
  // Twelve frames of 40 ms each: one after another would take 480 ms; side by side, the last
  // connection's first frame started before the first connection's last frame ended.
  const firstStarts = replies.map((frames) => frames[0].started);
  const lastEnds = replies.map((frames) => frames[2].ended);
  assert.ok(Math.max(...firstStarts) < Math.min(...lastEnds), 'connections were served one after another');
});

test('a frame sent right after the handshake is handled (connect writes to the KVS first)', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  client.send({ channel: 'whoami' });
  const reply = await client.nextJson();
  assert.equal(typeof reply.connection_id, 'string');
  assert.deepEqual(reply.seen.query, {});
});

test('every JSON value of data reaches the handler unchanged', async (t) => {
  const { connect } = await setup(t);
  const client = await connect();
  for (const data of [0, false, '', null, 'it\'s', { a: [1, { b: 'ü' }] }, [], 1.5]) {
    client.send({ channel: 'echo', data });
    assert.deepEqual(await client.nextJson(), { echo: data });
  }
  client.send('{"channel":"echo"}');
  assert.deepEqual(await client.nextJson(), {}, 'missing data arrives as undefined (dropped by JSON)');
});

test('a throwing channel handler yields internal_error with a request id found in the log', async (t) => {
  const { server, connect } = await setup(t);
  const client = await connect();
  client.send({ channel: 'boom' });
  const reply = await client.nextJson();
  assert.equal(reply.error, 'internal_error');
  assert.match(reply.request_id, /^[0-9a-f-]{36}$/);
  assert.doesNotMatch(reply.message, /exploded|at /, 'no error text or stack reaches the client');
  const line = await server.waitForLog('frames', 'sockets/chat/boom', new RegExp(`ERROR ${reply.request_id} Error: channel exploded`));
  assert.match(line, /channel exploded/);
  const log = await server.logs('frames', 'sockets/chat/boom');
  assert.match(log, /at exports\.process \(less\/sockets\/chat\/boom\/index\.js:2:\d+\)/, 'the file as in the project, not the deployed copy');
  assert.deepEqual(await client.askJson('echo', 1), { echo: 1 });
});

test('a channel handler whose result has a throwing then getter fails like a throw', async (t) => {
  const { server, connect } = await setup(t);
  const client = await connect();
  client.send({ channel: 'badthen' });
  const reply = await client.nextJson();
  assert.equal(reply.error, 'internal_error');
  await server.waitForLog('frames', 'sockets/chat/badthen', new RegExp(`ERROR ${reply.request_id} Error: then getter exploded`));
  assert.deepEqual(await client.askJson('echo', 2), { echo: 2 });
});

test('publishing to a socket that does not exist throws an error naming it', async (t) => {
  const { server, connect } = await setup(t);
  const client = await connect();
  client.send({ channel: 'badpublish' });
  const reply = await client.nextJson();
  assert.equal(reply.error, 'internal_error');
  await server.waitForLog('frames', 'sockets/chat/badpublish', /has no socket "nope"/);
});

test('publish reaches only listed connections open on that socket; unknown ids are skipped', async (t) => {
  // An id holding a control character names no connection, even if it embeds a real id.
  const { server, connect } = await setup(t);
  const a = await connect();
  const b = await connect();
  const other = await Client.connect(`${server.ws}/frames/sockets/other`);
  const [idA, idB, otherId] = [await a.id(), await b.id(), await other.id()];
  a.send({ channel: 'tell', data: { message: 'to b', to: ['missing-id', idB, null, otherId, `x\u001f${idA}`, `${idA}\u001e`] } });
  assert.equal(await b.next(), '"to b"');
  a.send({ channel: 'tell', data: { message: 'to a', to: [idA] } });
  assert.equal(await a.next(), '"to a"', 'a got nothing before its own message');
  other.send({ channel: 'echo', data: 'last' });
  assert.deepEqual(await other.nextJson(), { other: 'last' }, 'the other socket got nothing addressed to chat');
});
