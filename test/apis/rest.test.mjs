// REST APIs (SPEC 2.1), each behaviour observed through a real HTTP client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { projectDir, startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/apis-js', import.meta.url));
let server;
let api;
const cleanups = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

before(async () => {
  server = await startTestServer({ after: (fn) => cleanups.push(fn) }, { executor: { timeoutMs: 1000 } });
  await server.deploy('rest', fixture);
  api = `${server.base}/rest/apis/shop`;
});

const json = async (res) => ({ status: res.status, body: await res.json(), headers: res.headers });

test('path parameters are decoded; a static segment wins over a {param} sibling', async () => {
  assert.deepEqual((await json(await fetch(`${api}/items/a%20b`))).body, { id: 'a b' });
  assert.deepEqual((await json(await fetch(`${api}/items/latest`))).body, { latest: true });
  assert.deepEqual((await json(await fetch(`${api}/items`))).body, { list: true, query: {} });
  assert.deepEqual((await json(await fetch(api))).body, { root: true, path: '/' });
});

test('query strings are decoded and a repeated key gives its last value', async () => {
  const { body } = await json(await fetch(`${api}/items?tag=a&tag=b&q=%C3%BC+x`));
  assert.deepEqual(body.query, { tag: 'b', q: 'ü x' });
});

test('request shape: method, path, raw body, case-insensitive headers', async () => {
  const res = await fetch(`${api}/echo?x=1`, { method: 'POST', headers: { Accept: 'text/x-test', 'X-Custom-Header': 'v' }, body: '{"raw": true}' });
  assert.deepEqual((await json(res)).body, {
    method: 'POST',
    path: '/echo',
    query: { x: '1' },
    body: '{"raw": true}',
    accept: 'text/x-test',
    Accept: 'text/x-test',
    custom: 'v',
    hasCustom: true,
  });
  assert.deepEqual((await json(await fetch(`${api}/echo`))).body, { body: '' }, 'no body is an empty string');
});

test('JSON body in, 201 and an object body out as application/json', async () => {
  const res = await fetch(`${api}/items`, { method: 'POST', body: JSON.stringify({ name: 'pen' }) });
  const { status, body, headers } = await json(res);
  assert.equal(status, 201);
  assert.deepEqual(body, { created: { name: 'pen' } });
  assert.equal(headers.get('content-type'), 'application/json');
});

test('arrays are JSON, numbers and booleans are their text, a set content type is kept', async () => {
  const list = await fetch(`${api}/list`);
  assert.equal(list.headers.get('content-type'), 'application/json');
  assert.equal(await list.text(), '[1,2,3]');
  assert.equal(await (await fetch(`${api}/number`)).text(), '42');
  assert.equal(await (await fetch(`${api}/number?kind=bool`)).text(), 'false');
  const csv = await fetch(`${api}/text`);
  assert.equal(csv.headers.get('content-type'), 'text/csv');
  assert.equal(await csv.text(), 'a,b\n1,2\n');
});

test('a handler that returns nothing sends the mutated response', async () => {
  const res = await fetch(`${api}/mutate`, { method: 'DELETE' });
  assert.equal(res.status, 204);
  assert.equal(await res.text(), '');
});

test('middlewares run in order, may short-circuit, and may add to the request', async () => {
  const refused = await fetch(`${api}/guarded`);
  assert.equal(refused.status, 401);
  assert.deepEqual(await refused.json(), { error: 'unauthorized' });
  assert.equal(refused.headers.get('x-stamp'), null, 'the second middleware did not run');
  const allowed = await fetch(`${api}/guarded`, { headers: { Authorization: 'Bearer good' } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('x-stamp'), 'mw');
  assert.deepEqual(await allowed.json(), { user: { name: 'ada' } });
});

test('unknown path 404, missing verb 405 with Allow', async () => {
  const nowhere = await json(await fetch(`${api}/nowhere`));
  assert.deepEqual([nowhere.status, nowhere.body.error], [404, 'Not Found']);
  // The API's routes in its order, at most 12 of its 17.
  assert.equal(
    nowhere.body.message,
    'no route /nowhere in API "shop" (routes: / (GET), /boom (GET), /caught (GET), /counter (GET), /echo (GET, POST), /esm (GET), /exit (GET), /guarded (GET), /headers (GET), /items (GET, POST), /items/latest (GET), /items/{id} (GET) and 7 more)',
  );
  // A path that matches without its trailing slash or in lower case says so.
  assert.equal((await json(await fetch(`${api}/items/7/`))).body.message, 'no route /items/7/ in API "shop"; did you mean /items/7?');
  assert.equal((await json(await fetch(`${api}/Items/Latest`))).body.message, 'no route /Items/Latest in API "shop"; did you mean /items/latest?');
  // Under the project, a URL that names no resource kind lists where its resources are.
  const inProject = await json(await fetch(`${server.base}/rest/api/shop`));
  assert.deepEqual([inProject.status, inProject.body.message], [404, 'nothing at /rest/api/shop; project "rest" serves /rest/apis/shop/… (`less-cli list resources rest` prints them)']);
  const cronOnly = await projectDir({ 'less/crons/tick/index.js': 'exports.process = async () => {};\n' });
  cleanups.push(() => rm(cronOnly, { recursive: true, force: true }));
  await server.deploy('tick', cronOnly, { CRON_TICK: 'cron(0 0 1 1 ? *)' });
  const noUrls = await json(await fetch(`${server.base}/tick/web`));
  assert.equal(noUrls.body.message, 'nothing at /tick/web; project "tick" serves no URLs (it has no APIs, sockets, static sites, functions or topics)');
  const noSocket = await json(await fetch(`${server.base}/rest/sockets/chat`));
  assert.deepEqual([noSocket.status, noSocket.body.message], [404, 'project "rest" has no socket "chat" (sockets: none)']);
  const noApi = await json(await fetch(`${server.base}/rest/apis/nope/items`));
  assert.deepEqual([noApi.status, noApi.body], [404, { error: 'Not Found', message: 'project "rest" has no API "nope" (APIs: shop)' }]);
  const ghost = await json(await fetch(`${server.base}/ghost/apis/shop/items`));
  assert.deepEqual([ghost.status, ghost.body], [404, { error: 'Not Found', message: 'no project "ghost" is deployed here (`less-cli list` shows the deployed projects)' }]);
  const root = await json(await fetch(`${server.base}/`));
  assert.equal(root.status, 404);
  assert.equal(root.body.message, "this is an OpenLess server: every URL starts with a deployed project's name, e.g. /<project>/apis/<api>/… (`less-cli list resources <project>` prints them)");
  const res = await fetch(`${api}/items/latest`, { method: 'PUT' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET');
  assert.equal((await fetch(`${api}/items`, { method: 'PATCH' })).headers.get('allow'), 'GET, POST');
});

test('a throwing handler gives 500 with exactly error and request_id; the stack is in the log', async () => {
  const res = await fetch(`${api}/boom`);
  assert.equal(res.status, 500);
  const text = await res.text();
  const { request_id } = JSON.parse(text);
  assert.equal(text, `{"error":"Internal Server Error","request_id":"${request_id}"}`);
  const line = await server.waitForLog('rest', 'apis/shop/boom/get', new RegExp(`ERROR ${request_id} Error: secret database password`));
  assert.ok(line);
  assert.match(await server.logs('rest', 'apis/shop/boom/get'), /boom\/get\.js:2/);
});

test('a handler over its timeout gives 504', async () => {
  const res = await fetch(`${api}/slow`);
  assert.equal(res.status, 504);
  assert.match((await res.json()).request_id, /^[0-9a-f-]{36}$/);
});

test('a body over 6 MB gives 413', async () => {
  const res = await fetch(`${api}/echo`, { method: 'POST', body: 'x'.repeat(6 * 1024 * 1024 + 1) });
  assert.equal(res.status, 413);
  const ok = await fetch(`${api}/echo`, { method: 'POST', body: 'x'.repeat(6 * 1024 * 1024) });
  assert.equal(ok.status, 200);
});

test('CORS: preflight answered, Access-Control-Allow-Origin on every response', async () => {
  const preflight = await fetch(`${api}/items`, { method: 'OPTIONS', headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
  for (const path of ['/items', '/boom', '/nowhere', '/list']) {
    assert.equal((await fetch(`${api}${path}`)).headers.get('access-control-allow-origin'), '*', path);
  }
});

test('module.exports = { process, middlewares } works; module state survives between invocations', async () => {
  assert.deepEqual(await (await fetch(`${api}/list`)).json(), [1, 2, 3]);
  const first = (await (await fetch(`${api}/counter`)).json()).count;
  const second = (await (await fetch(`${api}/counter`)).json()).count;
  assert.equal(second, first + 1);
});

test('ES module and TypeScript handlers import the SDK and shared modules by name', async () => {
  assert.deepEqual(await (await fetch(`${api}/esm`)).json(), { greeting: 'hello esm', stored: 'yes' });
  assert.deepEqual(await (await fetch(`${api}/typed?n=21`)).json(), { greeting: 'hello ts', doubled: 42, stored: 'ts' });
});

test('a handler calling process.exit() fails only its invocation, with the reason in its log; the next request is served', async () => {
  const res = await fetch(`${api}/exit`);
  assert.equal(res.status, 500);
  const { request_id } = await res.json();
  await server.waitForLog('rest', 'apis/shop/exit/get', new RegExp(`ERROR ${request_id} Error: process\\.exit\\(3\\) was called: a handler's instance also runs other invocations`));
  assert.deepEqual(await (await fetch(`${api}/items/7`)).json(), { id: '7' });
});

test('a header set to a list is sent once per item; a header HTTP cannot carry is a 500 whose log says which', async () => {
  const res = await fetch(`${api}/headers?case=list`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2']);
  assert.equal(res.headers.get('x-count'), '2');
  for (const [which, reason] of [
    ['value', 'response\\.headers\\["X-Note"\\] holds a line break, a control character or a character past Latin-1, which an HTTP header cannot carry — remove it'],
    ['name', 'response\\.headers\\["X Note"\\]: a header name is letters, digits and .* only — rename the header'],
  ]) {
    const failed = await fetch(`${api}/headers?case=${which}`);
    assert.deepEqual([failed.status, failed.statusText], [500, 'Internal Server Error']);
    const { request_id } = await failed.json();
    await server.waitForLog('rest', 'apis/shop/headers/get', new RegExp(`ERROR ${request_id} TypeError: ${reason}`));
  }
});

test('console.error(error) logs the stack with the files named as in the project', async () => {
  assert.equal((await fetch(`${api}/caught`)).status, 204);
  await server.waitForLog('rest', 'apis/shop/caught/get', / END /);
  assert.match(await server.logs('rest', 'apis/shop/caught/get'), /ERROR \S+ caught SyntaxError: [^\n]+\n {4}at JSON\.parse \(<anonymous>\)\n {4}at exports\.process \(less\/apis\/shop\/caught\/get\.js:3:10\)\n/);
});

test('throwing something that is not an Error is still a 500 with its text in the log', async () => {
  const res = await fetch(`${api}/thrown`);
  assert.equal(res.status, 500);
  const { request_id } = await res.json();
  await server.waitForLog('rest', 'apis/shop/thrown/get', new RegExp(`ERROR ${request_id} non-error thrown: a plain string`));
});
