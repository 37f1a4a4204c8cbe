// The Web Sockets guide, Node.js tabs, exactly as a user runs it: `less-cli deploy`
// (which starts a background server), a WebSocket client, curl-like POST, `less-cli log`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { freePort, lessCli } from '../helpers/cli.mjs';

const example = fileURLToPath(new URL('../../examples/web-sockets', import.meta.url));

test('the Web Sockets guide (Node.js) runs as written', async (t) => {
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-guide-')), LESS_PORT: String(await freePort()) };
  t.after(async () => {
    await lessCli(['server', 'stop'], { cwd: example, env });
    await rm(env.LESS_HOME, { recursive: true, force: true });
  });

  const deploy = await lessCli(['deploy', 'my-less-project'], { cwd: example, env });
  assert.equal(deploy.code, 0, deploy.stderr);
  const port = env.LESS_PORT;
  assert.match(deploy.stdout, /^\[less-cli\] Building\.\.\. ⚙️\n\[less-cli\] Build complete ✅\n\[less-cli\] Deploying\.\.\. 🚀\n/);
  assert.ok(
    deploy.stdout.endsWith(
      '[less-cli] Deployment complete ✅\n' +
        '[less-cli] Resources\n' +
        '[less-cli]   - API URLs\n' +
        `[less-cli]     - demo: http://localhost:${port}/my-less-project/apis/demo\n` +
        '[less-cli]   - Web Socket URLs\n' +
        `[less-cli]     - demo: ws://localhost:${port}/my-less-project/sockets/demo\n`,
    ),
    deploy.stdout,
  );

  const client = await Client.connect(`ws://localhost:${port}/my-less-project/sockets/demo`);
  client.send('{ "channel": "my_channel", "data": "Hello from a socket client." }');
  assert.equal(await client.next(), '"You said: \\"\\"Hello from a socket client.\\"\\""');

  const hello = await fetch(`http://localhost:${port}/my-less-project/apis/demo/hello`, { method: 'POST' });
  assert.equal(hello.status, 204);
  assert.equal(await client.next(), '"Hello from POST /hello"');

  const log = await lessCli(['log', '--project', 'my-less-project', '--path', 'sockets/demo/connect'], { cwd: example, env });
  assert.equal(log.code, 0, log.stderr);
  assert.match(log.stdout, /^\S+Z START \S+\n\S+Z INFO \S+ Client connected: [A-Za-z0-9_-]+\n\S+Z END \S+ [\d.]+ ms\n/);

  const channelLog = await lessCli(['log', '--project', 'my-less-project', '--function', 'sockets/demo/my_channel'], { cwd: example, env });
  assert.match(channelLog.stdout, /INFO \S+ Message: Hello from a socket client\./);

  // An API route's path without its method, and a typo: the error names the paths that exist.
  const routeLog = await lessCli(['log', '--project', 'my-less-project', '--path', 'apis/demo/hello'], { cwd: example, env });
  assert.notEqual(routeLog.code, 0);
  assert.equal(routeLog.stderr, '[less-cli] Error: project "my-less-project" has no handler at apis/demo/hello and no log lines for it — handlers under it: apis/demo/hello/post; pass one with --path\n');
  const typoLog = await lessCli(['log', '--project', 'my-less-project', '--path', 'sockets/demo/conect', '--follow'], { cwd: example, env });
  assert.notEqual(typoLog.code, 0);
  assert.equal(
    typoLog.stderr,
    '[less-cli] Error: project "my-less-project" has no handler at sockets/demo/conect and no log lines for it — its function paths: apis/demo/hello/post, sockets/demo/connect, sockets/demo/disconnect, sockets/demo/my_channel; pass one with --path\n',
  );

  await client.close();
  const json = await lessCli(['deploy', 'my-less-project', '--json'], { cwd: example, env });
  assert.deepEqual(JSON.parse(json.stdout), {
    project: 'my-less-project',
    apis: { demo: `http://localhost:${port}/my-less-project/apis/demo` },
    sockets: { demo: `ws://localhost:${port}/my-less-project/sockets/demo` },
    topics: null,
    functions: null,
    statics: {},
  });
});
