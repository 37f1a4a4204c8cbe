// Process management: `server start|run|stop|status` and deploy's auto-start, on a copy of
// the CLI whose server is the fake admin server (so these tests need no runtime).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertUserError, demoProject, freePort, isAlive, runCli, sandboxBin, tempDir } from './helpers.mjs';

describe('server lifecycle', () => {
  let bin;
  const started = new Set();
  const serverPid = async (home) => JSON.parse(await readFile(join(home, 'server.json'), 'utf8')).pid;

  before(async () => {
    bin = await sandboxBin();
  });
  // A failed assertion must not leave background servers behind.
  after(() => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid);
  });

  it('starts in the background, reports status, refuses a second start, and stops', async () => {
    const home = await tempDir();
    const port = await freePort();
    const cli = (args) => runCli(args, { home, port, bin });

    const start = await cli(['server', 'start']);
    assert.equal(start.code, 0, start.stderr);
    const pid = await serverPid(home);
    started.add(pid);
    assert.equal(
      start.stdout,
      `[less-cli] Started an OpenLess server on http://127.0.0.1:${port} (LESS_HOME=${home})\n` +
        `[less-cli] Server log: ${join(home, 'server.log')}\n`,
    );

    const status = JSON.parse((await cli(['server', 'status', '--json'])).stdout);
    assert.equal(status.running, true);
    assert.equal(status.pid, pid);

    const again = await cli(['server', 'start']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, new RegExp(`already running on http://127\\.0\\.0\\.1:${port} \\(pid ${pid}`));

    const log = await readFile(join(home, 'server.log'), 'utf8');
    assert.match(log, new RegExp(`OpenLess server listening on http://127\\.0\\.0\\.1:${port} \\(LESS_HOME=`));

    const stop = await cli(['server', 'stop']);
    assert.equal(stop.stdout, `[less-cli] Stopped the OpenLess server (pid ${pid})\n`);
    assert.equal(isAlive(pid), false);
    assert.match((await cli(['server', 'status'])).stdout, /No OpenLess server is running/);
  });

  it('deploy starts a server when none runs', async () => {
    const home = await tempDir();
    const port = await freePort();
    const root = await demoProject(await tempDir());
    const result = await runCli(['deploy', 'auto-started', '--json'], { home, port, bin, cwd: root });
    const pid = await serverPid(home);
    started.add(pid);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).project, 'auto-started');
    assert.match(result.stderr, /^\[less-cli\] Started an OpenLess server on /, 'the notice goes to stderr in --json mode');

    const human = await runCli(['deploy', 'auto-started'], { home, port, bin, cwd: root });
    assert.doesNotMatch(human.stdout, /Started/, 'the running server is reused');
    assert.match(human.stdout, /Deployment complete ✅/);
    await runCli(['server', 'stop'], { home, port, bin });
    assert.equal(isAlive(pid), false);
  });

  it('reports a port in use in the foreground, and a port that does not answer', async () => {
    // Accepts connections and never answers, like a stuck or foreign service.
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = blocker.address().port;
    const home = await tempDir();
    try {
      const inUse = new RegExp(`127\\.0\\.0\\.1:${port} is already in use — stop what listens there, or pick another port`);
      assertUserError(assert, await runCli(['server', 'run'], { home, port, bin }), inUse);
      const silent = /127\.0\.0\.1:\d+ accepted the connection but did not answer within 5 s — /;
      assertUserError(assert, await runCli(['server', 'start'], { home, port, bin }), silent);
    } finally {
      blocker.close();
    }
  });

  // Linux refuses 0.0.0.0:P while 127.0.0.2:P is bound, yet 127.0.0.1:P does not answer:
  // the probe finds no server, so the background child is the one that meets the busy port.
  it('reports a port in use found by the background server', { skip: process.platform !== 'linux' }, async () => {
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.2', resolve));
    const port = blocker.address().port;
    try {
      const result = await runCli(['server', 'start', '--host', '0.0.0.0'], { home: await tempDir(), port, bin });
      assertUserError(assert, result, new RegExp(`0\\.0\\.0\\.0:${port} is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('server run stays in the foreground and exits 0 on SIGTERM', async () => {
    const home = await tempDir();
    const port = await freePort();
    const env = { ...process.env, LESS_HOME: home };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, [bin, 'server', 'run', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    await new Promise((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve();
      }),
    );
    assert.equal(stdout, `[less-cli] OpenLess server listening on http://127.0.0.1:${port} (LESS_HOME=${home})\n`);
    const status = await runCli(['server', 'status', '--port', String(port)], { home, port: 1, bin });
    assert.match(status.stdout, new RegExp(`running on http://127\\.0\\.0\\.1:${port} \\(pid ${child.pid}`));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
