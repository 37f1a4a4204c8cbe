// The Web Sockets guide, Python tabs (SPEC Appendix A), exactly as a user runs it:
// `less-cli deploy` (which starts a background server), a WebSocket client, a POST, `less-cli log`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../helpers/client.mjs';
import { freePort, lessCli } from '../helpers/cli.mjs';

const example = fileURLToPath(new URL('../../examples/web-sockets-python', import.meta.url));

test('the Web Sockets guide (Python) runs as written', async (t) => {
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-guide-py-')), LESS_PORT: String(await freePort()) };
  t.after(async () => {
    await lessCli(['server', 'stop'], { cwd: example, env });
    await rm(env.LESS_HOME, { recursive: true, force: true });
  });

  const deploy = await lessCli(['deploy', 'my-less-project'], { cwd: example, env });
  assert.equal(deploy.code, 0, deploy.stderr);
  const port = env.LESS_PORT;
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
  assert.equal(await client.next(), '"You said: \\"Hello from a socket client.\\""');

  const hello = await fetch(`http://localhost:${port}/my-less-project/apis/demo/hello`, { method: 'POST' });
  assert.equal(hello.status, 204);
  assert.equal(await client.next(), '"Hello from POST /hello"');

  const log = await lessCli(['log', '--project', 'my-less-project', '--path', 'sockets/demo/connect'], { cwd: example, env });
  assert.equal(log.code, 0, log.stderr);
  assert.match(log.stdout, /^\S+Z START (\S+)\n\S+Z INFO \1 Client connected: [A-Za-z0-9_-]+\n\S+Z END \1 [\d.]+ ms\n/);

  await client.close();
});
