// Published messages and KVS change events survive `kill -9` of the server (SPEC 2.4): the
// subscribers are slow, the server dies while they run (each says so on a socket when it
// starts), and after a restart they run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, lessCli, runServerProcess } from '../helpers/cli.mjs';
import { Client } from '../helpers/client.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/topics-durable', import.meta.url));

/** Resolves with the first line of the function's log matching `pattern` (streamed, no polling). */
async function waitForLog(env, base, path, pattern) {
  const token = (await readFile(join(env.LESS_HOME, 'admin.token'), 'utf8')).trim();
  const controller = new AbortController();
  const res = await fetch(`${base}/_admin/projects/shop/logs?follow=1&path=${encodeURIComponent(path)}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  let buffered = '';
  try {
    for await (const chunk of res.body) {
      buffered += Buffer.from(chunk).toString();
      const line = buffered.split('\n').find((l) => pattern.test(l));
      if (line) return line;
    }
  } finally {
    controller.abort();
  }
  throw new Error(`log of ${path} ended without ${pattern}`);
}

test('a message published before kill -9, and a KVS change event, are delivered after the restart', async (t) => {
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-topics-home-')), LESS_PORT: String(await freePort()) };
  const base = `http://127.0.0.1:${env.LESS_PORT}`;
  t.after(async () => {
    await lessCli(['server', 'stop'], { cwd: fixture, env });
    await rm(env.LESS_HOME, { recursive: true, force: true });
  });
  const { child, exited } = await runServerProcess(env);
  const deploy = await lessCli(['deploy', 'shop'], { cwd: fixture, env });
  assert.equal(deploy.code, 0, deploy.stderr);

  const watcher = await Client.connect(`ws://127.0.0.1:${env.LESS_PORT}/shop/sockets/watch`);
  const published = await fetch(`${base}/shop/topics/slow`, { method: 'POST', body: '{"n":1}' });
  assert.equal(published.status, 202);
  const set = await fetch(`${base}/shop/apis/pub/kv`, { method: 'POST', body: '{"key":"k","value":[1,2]}' });
  assert.equal(set.status, 204);
  // Both subscribers have started and take 1.5 s more: the server dies while they run.
  assert.deepEqual([await watcher.nextJson(), await watcher.nextJson()].sort(), ['slow_created started k', 'slow_worker started 1']);
  process.kill(child.pid, 'SIGKILL');
  assert.equal((await exited)[1], 'SIGKILL');

  const start = await lessCli(['server', 'start'], { cwd: fixture, env });
  assert.equal(start.code, 0, start.stderr);
  assert.match(await waitForLog(env, base, 'topics/slow/slow_worker', /processed 1$/), / INFO /);
  assert.match(await waitForLog(env, base, 'topics/kvs_created/slow_created', /created k=\[1,2\]$/), / INFO /);
});
