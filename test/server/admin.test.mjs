// The admin API is for the CLI only: a token in $LESS_HOME (mode 0600) guards every route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';

test('admin routes need the token the server wrote with mode 0600', async (t) => {
  const server = await startTestServer(t);
  const { mode } = await stat(join(server.home, 'admin.token'));
  assert.equal(mode & 0o777, 0o600);
  for (const path of ['/status', '/projects']) {
    const anonymous = await fetch(`${server.base}/_admin${path}`);
    assert.equal(anonymous.status, 401);
    const wrong = await fetch(`${server.base}/_admin${path}`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
  }
  const status = await (await server.admin('/status')).json();
  assert.equal(status.port, server.port);
  assert.equal(status.connections, 0);
});

test('a malformed admin request gets a 400 naming the problem, and the server keeps serving', async (t) => {
  const server = await startTestServer(t);
  const res = await server.admin('/projects/p', { method: 'POST', body: 'not json' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, 'bad_request');
  const badName = await server.admin('/projects/Bad_Name', { method: 'POST', body: '{"root":"/tmp"}' });
  assert.equal((await badName.json()).error.code, 'invalid_project_name');
  assert.equal((await server.admin('/status')).status, 200);
});

test('logs of a path that no handler has and nothing was stored for are a 404 listing the paths', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('guide', fileURLToPath(new URL('../../examples/web-sockets', import.meta.url)));
  const paths = 'apis/demo/hello/post, sockets/demo/connect, sockets/demo/disconnect, sockets/demo/my_channel';
  // Names that an object's prototype has are no handler either.
  for (const path of ['sockets/demo/conect', 'toString', 'constructor']) {
    const res = await server.admin(`/projects/guide/logs?path=${encodeURIComponent(path)}`);
    assert.equal(res.status, 404);
    assert.deepEqual((await res.json()).error, {
      code: 'function_not_found',
      message: `project "guide" has no handler at ${path} and no log lines for it — its function paths: ${paths}; pass one with --path`,
    });
  }
  const handler = await server.admin('/projects/guide/logs?path=sockets/demo/connect');
  assert.deepEqual([handler.status, await handler.text()], [200, '']);
  // A project of static sites only has no function path to offer.
  await server.deploy('site', fileURLToPath(new URL('../fixtures/projects/statics-site', import.meta.url)));
  const site = await server.admin('/projects/site/logs?path=apis/web');
  assert.equal(site.status, 404);
  assert.equal((await site.json()).error.message, 'project "site" has no handler at apis/web and no log lines for it — it has no handlers at all (only handlers under less/ write function logs)');
});

test('logs: tail=N gives the last N entries; tail=0 none, and with follow only the entries stored after it', async (t) => {
  const server = await startTestServer(t);
  await server.deploy('guide', fileURLToPath(new URL('../../examples/web-sockets', import.meta.url)));
  const path = 'apis/demo/hello/post';
  const hello = async () => assert.equal((await fetch(`${server.base}/guide/apis/demo/hello`, { method: 'POST' })).status, 204);
  const starts = (text) => (text.match(/ START /g) ?? []).length;
  await hello();
  await server.waitForLog('guide', path, / END /);
  const follow = await server.admin(`/projects/guide/logs?follow=1&tail=0&path=${path}`);
  const reader = follow.body.getReader();
  for (let i = 0; i < 3; i++) await hello();
  const decoder = new TextDecoder();
  let followed = '';
  while ((followed.match(/ END /g) ?? []).length < 3) followed += decoder.decode((await reader.read()).value, { stream: true });
  await reader.cancel();
  assert.equal(starts(followed), 3, 'only the three invocations after the follow began');
  assert.equal(starts(await server.logs('guide', path, 2)), 2);
  assert.equal(await server.logs('guide', path, 0), '');
  assert.equal(starts(await (await server.admin(`/projects/guide/logs?path=${path}`)).text()), 4);
});
