// One project, both languages (JS connect, Python channel, Python API, JS API): the guide's
// flow, and values crossing languages through the KVS and publish as JSON, unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { startTestServer } from '../helpers/server.mjs';
import { everyJsonShape } from '../helpers/values.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/mixed-guide', import.meta.url));

const value = everyJsonShape;

test('the guide flow through a mixed project, and JSON values across languages', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('mixed', fixture);
  const api = `${server.base}/mixed/apis/demo`;
  const client = await Client.connect(`${server.ws}/mixed/sockets/demo`);

  client.send('{ "channel": "my_channel", "data": "Hello from a socket client." }');
  assert.equal(await client.next(), '"You said: \\"Hello from a socket client.\\""');
  const hello = await fetch(`${api}/hello`, { method: 'POST' });
  assert.equal(hello.status, 204);
  assert.equal(await client.next(), '"Hello from POST /hello"');
  assert.match(await server.logs('mixed', 'sockets/demo/connect'), /INFO \S+ Client connected: \S+\n/);

  // Python publishes exactly the frame JavaScript would (JSON.stringify), and stores the value for JavaScript.
  client.send({ channel: 'py_store', data: value });
  assert.equal(await client.next(), JSON.stringify(value));
  assert.deepEqual(await (await fetch(`${api}/from_python`)).json(), { value });

  // JavaScript stores a value for Python.
  assert.equal(await client.ask('js_store', value), '"stored"');
  assert.deepEqual(await (await fetch(`${api}/from_js`)).json(), { value });

  // A JavaScript API publishes an object to the connection the JavaScript connect stored.
  const broadcast = await fetch(`${api}/broadcast`, { method: 'POST', body: JSON.stringify(value) });
  assert.equal(broadcast.status, 202);
  assert.equal(await client.next(), JSON.stringify(value));
  await client.close();
});

test('frames of one connection keep their order across languages: a JavaScript channel waits for a Python one', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('mixed', fixture);
  const client = await Client.connect(`${server.ws}/mixed/sockets/demo`);
  // Python's hop is slower: without the gateway holding the second frame, "stored" would come first.
  for (let i = 0; i < 3; i++) {
    client.send({ channel: 'py_store', data: i });
    client.send({ channel: 'js_store', data: i });
  }
  const frames = [];
  for (let i = 0; i < 6; i++) frames.push(await client.next());
  assert.deepEqual(frames, ['0', '"stored"', '1', '"stored"', '2', '"stored"']);
  await client.close();
});
