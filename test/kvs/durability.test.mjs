// KVS data outlives the server (SPEC 2.3): a clean restart, and `kill -9` of a server
// started as its own process, then `less-cli server start` on the same LESS_HOME.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, lessCli, runServerProcess } from '../helpers/cli.mjs';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/kvs-js', import.meta.url));
const value = { saved: "it's still here", n: 0, list: [false, null, 'ü'] };

const put = (base, key, body) => fetch(`${base}/kv/apis/kv/items/${key}`, { method: 'PUT', body: JSON.stringify(body) });
const get = async (base, key) => (await (await fetch(`${base}/kv/apis/kv/items/${key}`)).json()).value;

test('values survive a server restart on the same home', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'openless-kvs-home-'));
  const servers = [];
  // After hooks run in registration order: stop the servers before their home goes.
  t.after(async () => {
    for (const server of servers) await server.close();
    await rm(home, { recursive: true, force: true });
  });
  const first = await startTestServer(t, { home });
  servers.push(first);
  await first.deploy('kv', fixture);
  assert.equal((await put(first.base, 'durable', { value })).status, 204);
  assert.equal((await put(first.base, 'gone', { value: 'deleted before the restart' })).status, 204);
  assert.equal((await fetch(`${first.base}/kv/apis/kv/items/gone`, { method: 'DELETE' })).status, 204);
  await first.close();

  const again = await startTestServer(t, { home });
  servers.push(again);
  assert.deepEqual(await get(again.base, 'durable'), value);
  assert.equal(await get(again.base, 'gone'), null);
});

test('values survive kill -9 of the server process', async (t) => {
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-kvs-home-')), LESS_PORT: String(await freePort()) };
  const base = `http://127.0.0.1:${env.LESS_PORT}`;
  // One hook, in order: the server must be stopped while its LESS_HOME (token) still exists.
  t.after(async () => {
    const stop = await lessCli(['server', 'stop'], { cwd: fixture, env });
    assert.equal(stop.code, 0, stop.stderr);
    await rm(env.LESS_HOME, { recursive: true, force: true });
  });

  const { child, exited } = await runServerProcess(env);

  const deploy = await lessCli(['deploy', 'kv'], { cwd: fixture, env });
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.doesNotMatch(deploy.stdout, /Started an OpenLess server/); // it used the running one
  assert.equal((await put(base, 'crash-proof', { value })).status, 204);
  assert.equal((await put(base, 'with-ttl', { value: 'lives an hour', ttl: 3600 })).status, 204);

  process.kill(child.pid, 'SIGKILL');
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  await assert.rejects(fetch(base)); // really down

  const start = await lessCli(['server', 'start'], { cwd: fixture, env });
  assert.equal(start.code, 0, start.stderr);
  assert.match(start.stdout, /Started an OpenLess server/);
  assert.deepEqual(await get(base, 'crash-proof'), value);
  assert.equal(await get(base, 'with-ttl'), 'lives an hour');
});
