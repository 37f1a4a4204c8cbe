// Python API routes (SPEC 2.1, Python column), each behaviour observed through a real HTTP client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/python-apis', import.meta.url));
let server;
let shop;
let kv;
const cleanups = [];

before(async () => {
  server = await startTestServer({ after: (fn) => cleanups.push(fn) });
  process.env.OPENLESS_TEST_SECRET = 'server-only';
  await server.deploy('pyapi', fixture, { PY_GREETING: 'hello from less.config' });
  shop = `${server.base}/pyapi/apis/shop`;
  kv = `${server.base}/pyapi/apis/kv`;
});

after(async () => {
  delete process.env.OPENLESS_TEST_SECRET;
  for (const cleanup of cleanups) await cleanup();
});

const json = async (res) => ({ status: res.status, body: await res.json(), headers: res.headers });

test('path parameters and query strings are decoded; a static segment wins over {param}', async () => {
  assert.deepEqual((await json(await fetch(`${shop}/items/a%20b?tag=a&tag=b&q=%C3%BC+x`))).body, { id: 'a b', query: { tag: 'b', q: 'ü x' } });
  assert.deepEqual((await json(await fetch(`${shop}/items/latest`))).body, { latest: true });
});

test('request dict: method, path, raw body as str, headers with case-insensitive lookup', async () => {
  const res = await fetch(`${shop}/echo?x=1`, { method: 'POST', headers: { Accept: 'text/x-test', 'X-Custom-Header': 'v' }, body: '{"raw": true}' });
  assert.deepEqual((await json(res)).body, {
    method: 'POST',
    path: '/echo',
    query: { x: '1' },
    body: '{"raw": true}',
    accept: 'text/x-test',
    Accept: 'text/x-test',
    custom: 'v',
    hasCustom: true,
    missing: 'default',
    headersIsDict: true,
  });
});

test('JSON body in, 201 and a dict body out as application/json; 204 without a body', async () => {
  const created = await json(await fetch(`${shop}/items`, { method: 'POST', body: JSON.stringify({ name: 'pen', tags: ['ü'] }) }));
  assert.equal(created.status, 201);
  assert.deepEqual(created.body, { created: { name: 'pen', tags: ['ü'] } });
  assert.equal(created.headers.get('content-type'), 'application/json');

  const empty = await fetch(`${shop}/empty`, { method: 'DELETE' });
  assert.equal(empty.status, 204);
  assert.equal(await empty.text(), '');
});

test('a list body is JSON; numbers and booleans are their JSON text; bytes are sent as bytes; a set content type is kept', async () => {
  const list = await fetch(`${shop}/list`);
  assert.equal(list.headers.get('content-type'), 'application/json');
  assert.equal(await list.text(), '[1,"two",{"three":3},null,true]');
  assert.equal(await (await fetch(`${shop}/scalar?kind=int`)).text(), '42');
  assert.equal(await (await fetch(`${shop}/scalar?kind=bool`)).text(), 'false');
  const bytes = await fetch(`${shop}/scalar?kind=bytes`);
  assert.equal(bytes.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer())], [0, 1, 255]);
  const typed = await fetch(`${shop}/scalar?kind=typed`);
  assert.equal(typed.headers.get('content-type'), 'text/csv');
  assert.equal(await typed.text(), '{"kept":"as JSON text"}');
});

test('middlewares run in order: next() continues, returning without it answers at once', async () => {
  const refused = await json(await fetch(`${shop}/guarded`));
  assert.equal(refused.status, 401);
  assert.deepEqual(refused.body, { error: 'unauthorized' });
  assert.equal(refused.headers.get('x-stamp'), null, 'the second middleware did not run');

  const allowed = await json(await fetch(`${shop}/guarded`, { headers: { Authorization: 'Bearer good' } }));
  assert.equal(allowed.status, 200);
  assert.deepEqual(allowed.body, { user: { name: 'ada' } });
  assert.equal(allowed.headers.get('x-stamp'), 'mw', 'an async middleware ran too');
});

test('async def handlers work', async () => {
  assert.deepEqual((await json(await fetch(`${shop}/slow`))).body, { async: true });
});

test('a Python exception is a 500 with only the request id; the traceback is in the log under it', async () => {
  const res = await fetch(`${shop}/boom`);
  assert.equal(res.status, 500);
  const text = await res.text();
  const { request_id } = JSON.parse(text);
  assert.equal(text, JSON.stringify({ error: 'Internal Server Error', request_id }));
  const line = await server.waitForLog('pyapi', 'apis/shop/boom/get', new RegExp(`ERROR ${request_id} Traceback`));
  assert.ok(line, 'traceback logged');
  const log = await server.logs('pyapi', 'apis/shop/boom/get');
  const entry = log.slice(log.indexOf(`START ${request_id}`));
  assert.match(entry, /ERROR \S+ Traceback \(most recent call last\):\n {2}File "less\/apis\/shop\/boom\/get\.py", line 6, in process\n/);
  assert.match(entry, /line 2, in explode\n/);
  assert.match(entry, /\nValueError: kaboom from Python\n\S+Z END /);
  assert.doesNotMatch(entry, /openless_worker/, 'the worker\'s own frames are not shown');
  assert.deepEqual((await json(await fetch(`${shop}/items/latest`))).body, { latest: true }, 'the server still answers');
});

test('an invalid statusCode is a 500 whose log says why', async () => {
  const res = await fetch(`${shop}/badstatus`);
  assert.equal(res.status, 500);
  const { request_id } = await res.json();
  await server.waitForLog('pyapi', 'apis/shop/badstatus/get', new RegExp(`ERROR ${request_id} [^]*ValueError: response\\['statusCode'\\] must be an integer from 100 to 599 \\(got 42\\)`));
});

test('a header set to a list is sent once per item; a header HTTP cannot carry is a 500 whose log says which', async () => {
  const res = await fetch(`${shop}/headers?case=list`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2']);
  assert.equal(res.headers.get('x-count'), '2');
  for (const [which, reason] of [
    ['value', "response\\['headers'\\]\\['X-Note'\\] holds a line break, a control character or a character past Latin-1, which an HTTP header cannot carry — remove it"],
    ['name', "response\\['headers'\\]\\['X Note'\\]: a header name is letters, digits and .* only — rename the header"],
  ]) {
    const failed = await fetch(`${shop}/headers?case=${which}`);
    assert.deepEqual([failed.status, failed.statusText], [500, 'Internal Server Error']);
    const { request_id } = await failed.json();
    await server.waitForLog('pyapi', 'apis/shop/headers/get', new RegExp(`ERROR ${request_id} ValueError: ${reason}`));
  }
});

test('print, stderr and logging go to the invocation log with their levels', async () => {
  const res = await fetch(`${shop}/logs`);
  assert.equal(res.status, 204);
  await server.waitForLog('pyapi', 'apis/shop/logs/get', / END /);
  const log = await server.logs('pyapi', 'apis/shop/logs/get');
  const lines = log.trimEnd().split('\n').map((line) => line.replace(/^\S+Z /, '').replace(/^(\w+) \S+/, '$1'));
  assert.equal(lines[0], 'START');
  assert.match(lines.at(-1), /^END [\d.]+ ms$/);
  assert.deepEqual(lines.slice(1, -1), [
    'INFO printed with print',
    'ERROR to stderr',
    'INFO an info record',
    'WARN a warning record',
    'ERROR an error record',
    'INFO two',
    'lines',
    'INFO no newline',
  ]);
});

test('logging.exception() logs the traceback with the files named as in the project', async () => {
  assert.equal((await fetch(`${shop}/caught`)).status, 204);
  await server.waitForLog('pyapi', 'apis/shop/caught/get', / END /);
  assert.match(
    await server.logs('pyapi', 'apis/shop/caught/get'),
    /ERROR \S+ caught\nTraceback \(most recent call last\):\n {2}File "less\/apis\/shop\/caught\/get\.py", line 6, in process\n[^]*\nKeyError: 'missing'\n/,
  );
});

test('shared modules import by name: a package and a plain module', async () => {
  assert.deepEqual((await json(await fetch(`${shop}/shared`))).body, { user: 'User(ada)', shout: 'HI!' });
});

test('handlers see the less.config variables and not the server environment', async () => {
  const { body } = await json(await fetch(`${shop}/env`));
  assert.equal(body.greeting, 'hello from less.config');
  assert.equal(body.secret, null);
  assert.deepEqual(body.names, ['PY_GREETING']);
});

test('module state survives between invocations (warm process)', async () => {
  const first = (await json(await fetch(`${shop}/counter`))).body.count;
  const second = (await json(await fetch(`${shop}/counter`))).body.count;
  // Sequential requests go to the first idle process: the same one.
  assert.equal(second, first + 1);
});

test('kvs: every JSON value round-trips; ttl and delete', async () => {
  for (const value of [0, false, '', null, "it's", { a: [1, { b: 'ü' }] }, [], 1.5]) {
    const put = await fetch(`${kv}/items/k`, { method: 'PUT', body: JSON.stringify(value) });
    assert.equal(put.status, 204);
    assert.deepEqual((await json(await fetch(`${kv}/items/k`))).body, { value });
  }
  assert.equal((await fetch(`${kv}/items/t?ttl=60`, { method: 'PUT', body: '"soon gone"' })).status, 204);
  assert.deepEqual((await json(await fetch(`${kv}/items/t`))).body, { value: 'soon gone' });
  assert.equal((await fetch(`${kv}/items/t`, { method: 'DELETE' })).status, 204);
  assert.deepEqual((await json(await fetch(`${kv}/items/t`))).body, { value: null });
});

test('kvs errors are raised with the rule the server enforces; so is an unknown function', async () => {
  const { body } = await json(await fetch(`${kv}/errors`));
  assert.deepEqual(body, {
    emptyKey: { code: 'kvs_invalid_key', message: 'kvs.set: key must be a non-empty string of at most 1024 bytes (got an empty string)' },
    numberKey: { code: 'kvs_invalid_key', message: 'kvs.get: key must be a non-empty string of at most 1024 bytes (got number 5)' },
    badValue: body.badValue,
    badTtl: { code: 'kvs_invalid_ttl', message: 'kvs.set: ttl must be a whole number of seconds greater than 0, or left out for no expiry (got number -5)' },
    functions: { code: 'function_not_found', message: 'functions.add: project "pyapi" has no function "add" (functions: none); add less/functions/add/ or fix the name' },
  });
  assert.equal(body.badValue.code, 'kvs_invalid_value');
  assert.match(body.badValue.message, /^kvs\.set: the value must be JSON-serialisable/);
});
