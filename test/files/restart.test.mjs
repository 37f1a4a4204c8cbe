// Signed URLs and stored files survive a server restart (the key is kept under $LESS_HOME).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/files-js', import.meta.url));

test('a URL signed before a restart still works after it', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'openless-home-'));
  const servers = [];
  // One hook, in order: the servers stop before their home goes (close is idempotent).
  t.after(async () => {
    for (const server of servers) await server.close();
    await rm(home, { recursive: true, force: true });
  });
  const sign = async (srv, kind, path) => {
    const res = await fetch(`${srv.base}/box/apis/storage/sign`, { method: 'POST', body: JSON.stringify({ kind, path }) });
    return (await res.json()).url.replace(`http://localhost:${srv.port}`, srv.base);
  };
  const first = await startTestServer(t, { home });
  servers.push(first);
  await first.deploy('box', fixture);
  assert.equal((await fetch(await sign(first, 'upload', 'kept.txt'), { method: 'PUT', body: 'still here' })).status, 200);
  const url = new URL(await sign(first, 'get', 'kept.txt'));
  await first.close();

  const second = await startTestServer(t, { home });
  servers.push(second);
  const res = await fetch(`${second.base}${url.pathname}${url.search}`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'still here');
});
