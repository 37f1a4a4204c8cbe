#!/usr/bin/env node
/**
 * `npm run bench:soak -- [--seconds 120] [--connections 50]` — sustained load on the guide's
 * channel: examples/web-sockets is deployed with the real CLI into a temporary LESS_HOME, and
 * `--connections` clients keep two frames each in flight for `--seconds`. Every 15 s it prints
 * the server's RSS (worker threads included) and the messages/s of those 15 s; at the end it
 * closes every client and checks that `disconnect` ran once for each, from the function's log.
 *
 * Information, not a target: it shows whether memory settles under load (it should stop growing
 * after the first interval) and that nothing is lost when many connections end at once. The
 * exit code is 1 when a client got an error frame or a disconnect is missing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { deploy, serverPid, stop } from './openless.mjs';
import { freePort, rssKiB } from './processes.mjs';
import { spawn } from 'node:child_process';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '120' }, connections: { type: 'string', default: '50' } } });
const seconds = Number(values.seconds);
const connectionCount = Number(values.connections);
const SAMPLE_MS = 15_000;
const FRAME = JSON.stringify({ channel: 'my_channel', data: 'Hello from a socket client.' });
const EXPECTED = '"You said: \\"\\"Hello from a socket client.\\"\\""';
const example = fileURLToPath(new URL('../examples/web-sockets', import.meta.url));
const cli = fileURLToPath(new URL('../bin/less-cli.js', import.meta.url));

function connect(url, counters) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(FRAME);
      ws.send(FRAME);
      resolve(ws);
    });
    ws.on('message', (data) => {
      if (data.toString() === EXPECTED) counters.answered++;
      else counters.unexpected.push(data.toString());
      if (ws.readyState === WebSocket.OPEN) ws.send(FRAME);
    });
  });
}

/**
 * Resolves with the number of `Client disconnected:` lines the disconnect handler's log shows
 * once it has shown `count` of them, or after `timeoutMs` with as many as it showed: `less-cli
 * log --follow`, which also shows the lines stored before it started (none before the clients close).
 */
function followDisconnects(home, port, count, timeoutMs) {
  const follower = spawn(process.execPath, [cli, 'log', '--project', 'soak', '--path', 'sockets/demo/disconnect', '--tail', String(count), '--follow'], {
    env: { ...process.env, LESS_HOME: home, LESS_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    let seen = 0;
    let pending = '';
    const done = () => {
      clearTimeout(timer);
      follower.kill();
      resolve(seen);
    };
    const timer = setTimeout(done, timeoutMs);
    follower.stdout.setEncoding('utf8').on('data', (text) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop();
      seen += lines.filter((line) => line.includes(' INFO ') && line.includes('Client disconnected: ')).length;
      if (seen >= count) done();
    });
  });
}

async function main() {
  const home = await mkdtemp(join(tmpdir(), 'openless-soak-'));
  const port = await freePort();
  let pid;
  try {
    const resources = await deploy('soak', example, { home, port });
    pid = serverPid(home);
    const counters = { answered: 0, unexpected: [] };
    const clients = await Promise.all(Array.from({ length: connectionCount }, () => connect(resources.sockets.demo, counters)));
    console.log(`[soak] ${connectionCount} connections × 2 frames in flight for ${seconds} s; server RSS at start ${rssKiB(pid)} KiB`);
    const started = Date.now();
    let before = counters.answered;
    while (Date.now() - started < seconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      const rate = Math.round(((counters.answered - before) * 1000) / SAMPLE_MS);
      before = counters.answered;
      console.log(`[soak] ${Math.round((Date.now() - started) / 1000)} s: server RSS ${rssKiB(pid)} KiB, ${rate} messages/s`);
    }
    const logged = followDisconnects(home, port, connectionCount, 10_000);
    const closed = clients.map((ws) => new Promise((resolve) => ws.once('close', resolve)));
    for (const ws of clients) ws.close();
    await Promise.all(closed);
    console.log(`[soak] ${counters.answered} replies, ${counters.unexpected.length} other frames; disconnect logged ${await logged} of ${connectionCount} times; server RSS after ${rssKiB(pid)} KiB`);
    if (counters.unexpected.length > 0) console.log(`[soak] first other frame: ${counters.unexpected[0]}`);
    process.exitCode = counters.unexpected.length === 0 && (await logged) === connectionCount ? 0 : 1;
  } finally {
    await stop({ home, port, pid });
    await rm(home, { recursive: true, force: true });
  }
}

await main();
