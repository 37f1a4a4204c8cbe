// POST <project base>/functions/<name>: 200 with the JSON result, 404, 400, 405, 413, 500
// (exact body, request id in the function's log), 504; CORS as every API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { projectDir, startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/functions-mixed', import.meta.url));
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

test('the functions REST API', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('fns', fixture);
  const url = (name) => `${server.base}/fns/functions/${name}`;
  const post = (name, body) => fetch(url(name), { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  await t.test('200 with the JSON result, from JavaScript and Python functions', async () => {
    const value = { text: 'ü "x"', list: [1, 2.5, null, true, {}], zero: 0 };
    for (const name of ['js_echo', 'py_echo']) {
      const res = await post(name, JSON.stringify(value));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await res.json(), value);
      for (const scalar of ['42', '"text"', 'null', 'false', '[]']) {
        const echoed = await post(name, scalar);
        assert.equal(await echoed.text(), scalar, `${name}(${scalar})`);
      }
    }
    const chained = await post('py_chain', '{"text":"abc"}');
    assert.deepEqual(await chained.json(), { js: 'ABC', py: ['abc', 3] });
  });

  await t.test('no body is a null payload; a result of undefined / None is null', async () => {
    for (const name of ['js_echo', 'py_echo']) {
      const res = await fetch(url(name), { method: 'POST' });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'null');
    }
  });

  await t.test('404 for an unknown function, naming it', async () => {
    const res = await post('nope', '{}');
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), {
      error: 'Not Found',
      message: 'project "fns" has no function "nope" (functions: js_chain, js_echo, js_fail, js_loop, py_chain, py_echo, py_fail, py_loop); add less/functions/nope/ or fix the name',
    });
    assert.equal((await post('js_echo/extra', '{}')).status, 404);
  });

  await t.test('400 when the body is not JSON', async () => {
    const res = await post('js_echo', '{not json');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = await res.json();
    assert.equal(body.error, 'Bad Request');
    assert.match(body.message, /^the request body must be JSON \(.+\)$/);
  });

  await t.test('405 with Allow: POST for other methods; CORS preflight', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(url('js_echo'), { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'POST');
      assert.equal((await res.json()).error, 'Method Not Allowed');
    }
    const preflight = await fetch(url('js_echo'), { method: 'OPTIONS', headers: { origin: 'http://example.com', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
    // A browser sends the preflight first: it must pass even for an unknown name, so that the
    // page sees the 404 and its reason rather than a CORS failure.
    const unknown = await fetch(url('nope'), { method: 'OPTIONS', headers: { origin: 'http://example.com', 'access-control-request-method': 'POST' } });
    assert.equal(unknown.status, 204);
    assert.equal(unknown.headers.get('access-control-allow-origin'), '*');
  });

  await t.test('500 with exactly the request id when the function throws; the stack is in its log', async () => {
    for (const [name, error] of [['js_fail', 'Error: js went wrong'], ['py_fail', 'ValueError: py went wrong']]) {
      const res = await post(name, '{"n":5}');
      assert.equal(res.status, 500);
      const text = await res.text();
      assert.match(text, new RegExp(`^\\{"error":"Internal Server Error","request_id":"${uuid}"\\}$`));
      const requestId = JSON.parse(text).request_id;
      await server.waitForLog('fns', `functions/${name}`, new RegExp(`END ${requestId} `));
      const log = await server.logs('fns', `functions/${name}`);
      assert.match(log, new RegExp(`ERROR ${requestId} [^]*${error}\n`));
    }
  });
});

test('504 when a function times out; 413 over the body limit', async (t) => {
  const server = await startTestServer(t, { executor: { timeoutMs: 300 }, apis: { maxBodyBytes: 1024 } });
  const root = await projectDir({ 'less/functions/hang/index.js': 'exports.process = () => new Promise(() => {});' });
  await server.deploy('slow', root);
  const url = `${server.base}/slow/functions/hang`;

  const res = await fetch(url, { method: 'POST', body: '{}' });
  assert.equal(res.status, 504);
  const body = await res.json();
  assert.equal(body.error, 'Gateway Timeout');
  await server.waitForLog('slow', 'functions/hang', new RegExp(`ERROR ${body.request_id} the handler did not finish within 300 ms`));

  const big = await fetch(url, { method: 'POST', body: JSON.stringify('x'.repeat(2000)) });
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error, 'Payload Too Large');
});
