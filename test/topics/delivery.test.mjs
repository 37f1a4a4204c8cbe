// Topics (SPEC 2.4) on a real server: every subscriber gets every message, from a JS route,
// a Python route and the REST API; failures are retried without blocking anyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';
import { lessCli } from '../helpers/cli.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/topics-mixed', import.meta.url));
const FAST_RETRIES = { topics: { baseMs: 50, maxMs: 200 } };

const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('both subscribers (JS and Python) get messages published from a JS route, a Python route and the REST API', async (t) => {
  const server = await startTestServer(t, FAST_RETRIES);
  await server.deploy('shop', fixture);
  const api = `${server.base}/shop/apis/pub`;
  assert.equal((await post(`${api}/publish`, '{"id":1,"from":"js"}')).status, 204);
  assert.equal((await post(`${api}/publish_py`, '{"id":2,"from":"py"}')).status, 204);
  const rest = await post(`${server.base}/shop/topics/user_created`, '{"id":3,"from":"rest"}');
  assert.equal(rest.status, 202);
  assert.equal(typeof (await rest.json()).message_id, 'number');
  for (const body of ['{"id":1,"from":"js"}', '{"id":2,"from":"py"}', '{"id":3,"from":"rest"}']) {
    for (const listener of ['js_listener', 'py_listener']) {
      const line = await server.waitForLog('shop', `topics/user_created/${listener}`, new RegExp(`${listener} got ${body.replace(/[{}]/g, '\\$&')}`));
      assert.match(line, / INFO /);
    }
  }
});

test('the topics REST API answers 404, 400, 413 and 405 with the reason', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('shop', fixture);
  const unknown = await post(`${server.base}/shop/topics/nope`, '{}');
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).message, /project "shop" has no topic "nope" \(topics: .*user_created/);
  const notJson = await post(`${server.base}/shop/topics/user_created`, '{oops');
  assert.equal(notJson.status, 400);
  assert.match((await notJson.json()).message, /the body must be JSON/);
  const big = await post(`${server.base}/shop/topics/user_created`, JSON.stringify({ s: 'x'.repeat(256 * 1024) }));
  assert.equal(big.status, 413);
  const get = await fetch(`${server.base}/shop/topics/user_created`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  assert.equal(get.headers.get('access-control-allow-origin'), '*');
  const preflight = await fetch(`${server.base}/shop/topics/nope`, { method: 'OPTIONS', headers: { origin: 'http://example.com', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204, 'the preflight passes, so a page sees the 404 and its reason');
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
});

test('publishing to a topic the project does not have throws an error naming it', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('shop', fixture);
  const answer = await post(`${server.base}/shop/apis/pub/unknown`, '');
  assert.match(await answer.text(), /^project "shop" has no topic "no_such_topic" \(topics: flaky, kvs_created, kvs_deleted, kvs_updated, user_created\)/);
});

test('a subscriber failing every time blocks neither its sibling nor later messages; a fixing redeploy processes what was retained', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'openless-topics-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await cp(fixture, root, { recursive: true });
  const server = await startTestServer(t, FAST_RETRIES);
  const env = { LESS_HOME: server.home, LESS_PORT: String(server.port) };
  await server.deploy('shop', root);
  for (const n of [1, 2, 3]) assert.equal((await post(`${server.base}/shop/topics/flaky`, JSON.stringify({ n }))).status, 202);
  for (const n of [1, 2, 3]) await server.waitForLog('shop', 'topics/flaky/sibling', new RegExp(`sibling got ${n}$`));
  // Each message fails, and is retried: the log says which attempt failed and when the next one is.
  for (const n of [1, 2, 3]) {
    await server.waitForLog('shop', 'topics/flaky/always_fails', new RegExp(`WARN .* delivery of message \\d+ \\(topic flaky\\) failed on attempt 2: cannot process message ${n}; next attempt in 100 ms`));
  }
  const failed = await lessCli(['topics', 'failed', '--project', 'shop', '--json'], { cwd: root, env });
  assert.equal(failed.code, 0, failed.stderr);
  const retained = JSON.parse(failed.stdout);
  assert.deepEqual(retained.map((f) => [f.topic, f.subscriber, f.message, f.last_error]).sort((a, b) => a[2].n - b[2].n), [
    ['flaky', 'topics/flaky/always_fails', { n: 1 }, 'cannot process message 1'],
    ['flaky', 'topics/flaky/always_fails', { n: 2 }, 'cannot process message 2'],
    ['flaky', 'topics/flaky/always_fails', { n: 3 }, 'cannot process message 3'],
  ]);
  assert.ok(retained.every((f) => f.attempts >= 2));
  const human = await lessCli(['topics', 'failed', '--project', 'shop', '--subscriber', 'always_fails'], { cwd: root, env });
  assert.match(human.stdout, /^\[less-cli\] flaky → topics\/flaky\/always_fails: message \d+, \d+ failed attempt\(s\), published .*\n\[less-cli\]     last error: cannot process message 1\n/);
  const limited = await lessCli(['topics', 'failed', '--project', 'shop', '--limit', '2'], { cwd: root, env });
  const lines = limited.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5, limited.stdout);
  assert.equal(lines[4], '[less-cli] … and more: only the oldest 2 are shown — narrow with --topic / --subscriber, or raise --limit');
  const badLimit = await lessCli(['topics', 'failed', '--project', 'shop', '--limit', 'lots'], { cwd: root, env });
  assert.equal(badLimit.code, 1);
  assert.match(badLimit.stderr, /limit must be a whole number of at least 1 \(got lots\)/);

  await writeFile(join(root, 'less/topics/flaky/always_fails/index.js'), 'exports.process = async (message) => { console.log(`fixed got ${message.n}`); };\n');
  await server.deploy('shop', root);
  for (const n of [1, 2, 3]) await server.waitForLog('shop', 'topics/flaky/always_fails', new RegExp(`fixed got ${n}$`));
  const after = await lessCli(['topics', 'failed', '--project', 'shop'], { cwd: root, env });
  assert.equal(after.stdout, '[less-cli] No failed messages in the queues of shop\n');
});

test('topics retry and purge act on the retained failures only', async (t) => {
  const server = await startTestServer(t, { topics: { baseMs: 60_000, maxMs: 60_000 } });
  const env = { LESS_HOME: server.home, LESS_PORT: String(server.port) };
  await server.deploy('shop', fixture);
  assert.equal((await post(`${server.base}/shop/topics/flaky`, '{"n":7}')).status, 202);
  await server.waitForLog('shop', 'topics/flaky/always_fails', /failed on attempt 1: cannot process message 7; next attempt in 60 s/);
  const retry = await lessCli(['topics', 'retry', '--project', 'shop', '--topic', 'flaky'], { cwd: fixture, env });
  assert.equal(retry.stdout, '[less-cli] Retrying 1 failed message(s) now — follow them with less-cli log --follow\n');
  await server.waitForLog('shop', 'topics/flaky/always_fails', /failed on attempt 2: cannot process message 7/);
  const purge = await lessCli(['topics', 'purge', '--project', 'shop', '--subscriber', 'always_fails'], { cwd: fixture, env });
  assert.equal(purge.stdout, '[less-cli] Dropped 1 failed message(s)\n');
  const none = await lessCli(['topics', 'failed', '--project', 'shop', '--json'], { cwd: fixture, env });
  assert.equal(none.stdout, '[]\n');
  const missing = await lessCli(['topics', 'failed', '--project', 'nope'], { cwd: fixture, env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /project "nope" is not deployed on this server/);
});

test('a message failing past its retention is dropped with a line in the subscriber log', async (t) => {
  const server = await startTestServer(t, { topics: { baseMs: 50, maxMs: 100, retentionMs: 400 } });
  const env = { LESS_HOME: server.home, LESS_PORT: String(server.port) };
  await server.deploy('shop', fixture);
  assert.equal((await post(`${server.base}/shop/topics/flaky`, '{"n":9}')).status, 202);
  const dropped = await server.waitForLog('shop', 'topics/flaky/always_fails', /dropped message/);
  assert.match(dropped, /ERROR - dropped message \d+ \(topic flaky\) after \d+ failed attempt\(s\): it was published .*, longer ago than the retention; last error: cannot process message 9$/);
  const failed = await lessCli(['topics', 'failed', '--project', 'shop', '--json'], { cwd: fixture, env });
  assert.equal(failed.stdout, '[]\n');
});

test('deleting a project drops its queues: a redeploy under the same name starts empty', async (t) => {
  const server = await startTestServer(t, { topics: { baseMs: 60_000, maxMs: 60_000 } });
  const env = { LESS_HOME: server.home, LESS_PORT: String(server.port) };
  await server.deploy('shop', fixture);
  assert.equal((await post(`${server.base}/shop/topics/flaky`, '{"n":5}')).status, 202);
  await server.waitForLog('shop', 'topics/flaky/always_fails', /failed on attempt 1/);
  assert.equal((await server.admin('/projects/shop', { method: 'DELETE' })).status, 200);
  await server.deploy('shop', fixture);
  const failed = await lessCli(['topics', 'failed', '--project', 'shop', '--json'], { cwd: fixture, env });
  assert.equal(failed.stdout, '[]\n');
});
