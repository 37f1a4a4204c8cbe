import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFromExecutor, decodeToExecutor, encodeFromExecutor, encodeToExecutor } from '../../dist/runtime/js/js-wire.js';

const REQUEST_ID = '6f1c2b3a-9d4e-4a1b-8c2d-000000000001';

test('a batch to a worker reads back as it was sent, in order', () => {
  const batch = [
    { t: 'invoke', id: 1, requestId: REQUEST_ID, functionPath: 'sockets/demo/my_channel', invocation: { kind: 'event', payload: { connection_id: 'AbC-_1', data: { text: 'a\u001fb\u001ec "quoted"', n: [1, null] } } }, after: 0 },
    // In a sequence, behind invocation 1 (a connection's next frame); and in none (a topic delivery).
    { t: 'invoke', id: 6, requestId: REQUEST_ID, functionPath: 'sockets/demo/my_channel', invocation: { kind: 'event', payload: { connection_id: 'AbC-_1', data: 2 } }, after: 1 },
    { t: 'invoke', id: 7, requestId: REQUEST_ID, functionPath: 'topics/t/s', invocation: { kind: 'event', payload: 'm' }, after: undefined },
    // A channel frame travels as its own text; the worker rebuilds the payload from it.
    { t: 'invoke', id: 8, requestId: REQUEST_ID, functionPath: 'sockets/demo/my_channel', invocation: { kind: 'event', payload: { connection_id: 'AbC-_1', data: [1, 'é'] }, frame: '{ "channel": "my_channel", "data": [1, "\\u00e9"] }' }, after: 6 },
    { t: 'invoke', id: 9, requestId: REQUEST_ID, functionPath: 'sockets/demo/my_channel', invocation: { kind: 'event', payload: { connection_id: 'AbC-_1' }, frame: '{"channel":"my_channel"}' }, after: 8 },
    // No JSON for an undefined payload: the message keeps its JSON form.
    { t: 'invoke', id: 2, requestId: REQUEST_ID, functionPath: 'functions/add', invocation: { kind: 'event', payload: undefined } },
    { t: 'invoke', id: 3, requestId: REQUEST_ID, functionPath: 'apis/demo/hello/post', invocation: { kind: 'api', request: { method: 'POST', path: '/hello', params: {}, query: {}, headers: { 'X-A': '1' }, body: 'x' } } },
    { t: 'reply', id: 4, ok: true, value: { value: 'stored' } },
    { t: 'ping', id: 5 },
    { t: 'release', id: 6 },
    { t: 'retire' },
  ];
  const wire = encodeToExecutor(batch);
  assert.equal(typeof wire, 'string');
  assert.ok(wire.startsWith(`e1\u001f${REQUEST_ID}\u001fsockets/demo/my_channel\u001f0\u001f{`), 'an event invocation has the compact form');
  assert.ok(wire.includes(`\u001ef8\u001f${REQUEST_ID}\u001fsockets/demo/my_channel\u001f6\u001fAbC-_1\u001f${batch[3].invocation.frame}\u001e`), 'a channel frame crosses as its own text');
  const expected = structuredClone(batch);
  delete expected[5].invocation.payload; // JSON has no undefined
  delete expected[3].invocation.frame; // the frame's text became the payload
  delete expected[4].invocation.frame;
  assert.deepEqual(decodeToExecutor(wire), expected);
});

test('a batch from a worker reads back as it was sent, in order', () => {
  const batch = [
    { t: 'publish', socket: 'demo', messageJson: JSON.stringify('You said: "\\"hi\\""'), ids: ['AbC', 'dEf'] },
    { t: 'publish', socket: 'demo', messageJson: '{"a":1}', ids: [] },
    { t: 'result', id: 7, ok: true, value: undefined },
    { t: 'result', id: 8, ok: true, value: { statusCode: 200, headers: {}, body: 'ok' } },
    { t: 'result', id: 9, ok: false, error: { message: 'boom', stack: 'Error: boom\n    at x' } },
    { t: 'call', id: 10, call: { op: 'kvs.get', key: 'k' } },
    { t: 'pong', id: 11 },
    { t: 'publish', socket: 'demo', messageJson: '2', ids: ['', 'x', ''] },
    { t: 'publish', socket: 'demo', messageJson: '3', ids: ['only'] },
    { t: 'publish', socket: 'demo', messageJson: '4', ids: [''] },
  ];
  const wire = encodeFromExecutor(batch, false);
  assert.equal(wire.split('\u001e').slice(0, 3).join('|'), `pdemo\u001f${batch[0].messageJson}\u001fAbC\u001fdEf|pdemo\u001f{"a":1}|r7`);
  const expected = structuredClone(batch);
  delete expected[2].value;
  assert.deepEqual(
    decodeFromExecutor(wire).map((message) => JSON.parse(JSON.stringify(message))),
    expected,
  );
});

test('a batch holding bytes travels as objects', () => {
  const batch = [{ t: 'result', id: 1, ok: true, value: { statusCode: 200, headers: {}, body: new Uint8Array([0, 1, 30, 31]) } }];
  const wire = encodeFromExecutor(batch, true);
  assert.equal(wire, batch);
  assert.deepEqual(decodeFromExecutor(wire), batch);
});
