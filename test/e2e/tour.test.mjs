// examples/tour, as its README runs it: less.config, a cron, functions across languages,
// signed file URLs and the static page that uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { freePort, lessCli } from '../helpers/cli.mjs';

const example = fileURLToPath(new URL('../../examples/tour', import.meta.url));

test('the tour example deploys and each of its resources answers', async (t) => {
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-tour-')), LESS_PORT: String(await freePort()), GREETING: 'Hello', CRON_CLOCK: 'rate(1 minute)' };
  t.after(async () => {
    await lessCli(['server', 'stop'], { cwd: example, env });
    await rm(env.LESS_HOME, { recursive: true, force: true });
  });
  const deploy = await lessCli(['deploy', 'tour', '--json'], { cwd: example, env });
  assert.equal(deploy.code, 0, deploy.stderr);
  const resources = JSON.parse(deploy.stdout);
  const base = `http://127.0.0.1:${env.LESS_PORT}/tour`;
  assert.equal(resources.statics.site, `http://localhost:${env.LESS_PORT}/tour/statics/site/`);

  const page = await fetch(`${base}/statics/site/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(await page.text(), /<title>OpenLess tour<\/title>/);
  const script = await fetch(`${base}/statics/site/app.js`);
  assert.match(script.headers.get('content-type'), /javascript/);

  const greeting = await fetch(`${base}/functions/greet`, { method: 'POST', body: '{"name":"ada"}' });
  assert.deepEqual(await greeting.json(), { greeting: 'Hello, ADA!' });

  const urls = await (await fetch(`${base}/apis/notes/upload_url`, { method: 'POST' })).json();
  const local = (url) => url.replace('//localhost:', '//127.0.0.1:');
  assert.equal((await fetch(local(urls.upload), { method: 'PUT', body: 'a note' })).status, 200);
  assert.equal(await (await fetch(local(urls.download))).text(), 'a note');

  const tab = await Client.connect(`ws://127.0.0.1:${env.LESS_PORT}/tour/sockets/live`);
  await tab.close();
  const listed = await lessCli(['list', 'resources', 'tour', '--json'], { cwd: example, env });
  assert.equal(JSON.parse(listed.stdout).crons.clock.schedule, 'rate(1 minute)');
});
