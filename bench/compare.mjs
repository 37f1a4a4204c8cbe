#!/usr/bin/env node
/**
 * `npm run bench:compare -- [--rounds 7] <variant> [<variant> …]` — messages/s at 50
 * connections of several OpenLess builds or settings, in alternated rounds against the bare
 * `ws` echo: each round measures the echo and every variant in alternated windows of 0.5 s
 * (interleavedThroughput), so a machine whose speed drifts slows them all alike.
 *
 * A variant is `[<checkout>][@NAME=value,NAME=value]`: a checkout of OpenLess (a folder with
 * bin/ and a built dist/; this one when left out) and environment variables for its server.
 *
 *   npm run bench:compare -- @LESS_HANDLER_NICE=0 .       # a setting against the default
 *   npm run bench:compare -- ../openless-main .           # another checkout against this one
 *   npm run bench:compare -- . .                          # the same build twice: the noise of the moment
 *
 * Each variant gets its own server (new LESS_HOME, free port) running examples/web-sockets of
 * its own checkout, started once and kept for every round. Printed per round and as medians:
 * messages/s, the ratio to the echo of the same round, and per message the server's CPU, its
 * gateway thread's, the load generator's and the CPU time left idle (measureWindow). Use it
 * when a change is smaller than the noise between two full `npm run bench` runs. Linux only.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as openless from './openless.mjs';
import { freePort, killAllChildrenSync, startBaseline, stopAllChildren } from './processes.mjs';
import { median } from './stats.mjs';
import { interleavedThroughput } from './ws-load.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const FRAME = JSON.stringify({ channel: 'my_channel', data: 'Hello from a socket client.' });
const LOAD = { connections: 50, window: 2, warmupMs: 1000, durationMs: 3000, chunks: 6 };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || positionals.length === 0) {
  console.error('usage: npm run bench:compare -- [--rounds 7] <variant> [<variant> …]   (variant: [<checkout>][@NAME=value,…], e.g. @LESS_HANDLER_NICE=0 .)');
  process.exit(2);
}

/** `[<checkout>][@NAME=value,…]` → its folder and its server's extra environment. */
function parseVariant(spec) {
  const at = spec.indexOf('@');
  const dir = resolve(at < 0 ? spec : spec.slice(0, at) || '.');
  const env = {};
  for (const pair of at < 0 ? [] : spec.slice(at + 1).split(',').filter(Boolean)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`variant "${spec}": "${pair}" is not NAME=value`);
    env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  if (!existsSync(join(dir, 'bin/less-cli.js')) || !existsSync(join(dir, 'dist'))) {
    throw new Error(`variant "${spec}": ${dir} is not a built OpenLess checkout (bin/less-cli.js and dist/; run npm install there)`);
  }
  return { spec, dir, env };
}

let variants;
try {
  variants = positionals.map(parseVariant);
} catch (error) {
  console.error(`[compare] ${error.message}`);
  process.exit(2);
}
const root = await mkdtemp(join(tmpdir(), 'openless-compare-'));
process.on('exit', killAllChildrenSync);
const say = (line) => console.log(`[compare] ${line}`);
const perMessage = (m) => `server ${m.cpuUs.toFixed(1)} µs (gateway ${m.mainThreadUs.toFixed(1)}), load generator ${m.loadGeneratorUs.toFixed(1)}, idle ${m.idleUs.toFixed(1)}`;

try {
  for (const variant of variants) {
    variant.home = await mkdtemp(join(root, 'home-'));
    variant.port = await freePort();
    const options = { home: variant.home, port: variant.port, env: variant.env, cli: join(variant.dir, 'bin/less-cli.js') };
    await openless.deploy('my-less-project', join(variant.dir, 'examples/web-sockets'), options);
    variant.pid = openless.serverPid(variant.home);
    variant.url = `ws://127.0.0.1:${variant.port}/my-less-project/sockets/demo`;
    variant.results = [];
  }
  const echo = await startBaseline(here('./baselines/ws-echo.mjs'));
  const echoResults = [];
  for (let round = 1; round <= rounds; round++) {
    const [bare, ...measurements] = await interleavedThroughput(
      [{ url: `ws://127.0.0.1:${echo.port}/`, pid: echo.pid }, ...variants.map(({ url, pid }) => ({ url, pid }))],
      FRAME,
      LOAD,
    );
    echoResults.push(bare);
    say(`round ${round} bare ws echo: ${Math.round(bare.rate)} messages/s; per message ${perMessage(bare)}`);
    for (const [i, variant] of variants.entries()) {
      const measured = measurements[i];
      variant.results.push({ ...measured, ratio: measured.rate / bare.rate });
      say(`round ${round} ${variant.spec}: ${Math.round(measured.rate)} messages/s, ${(measured.rate / bare.rate).toFixed(3)}×; per message ${perMessage(measured)}`);
    }
  }
  const medianOf = (results, key) => median(results.map((result) => result[key]));
  say(`medians of ${rounds} round(s), ${LOAD.connections} connections × ${LOAD.window} in flight:`);
  say(`bare ws echo: ${Math.round(medianOf(echoResults, 'rate'))} messages/s`);
  for (const variant of variants) {
    const m = Object.fromEntries(['rate', 'ratio', 'cpuUs', 'mainThreadUs', 'loadGeneratorUs', 'idleUs'].map((key) => [key, medianOf(variant.results, key)]));
    say(`${variant.spec}: ${Math.round(m.rate)} messages/s, ${m.ratio.toFixed(3)}× the echo; per message ${perMessage(m)}`);
  }
} catch (error) {
  console.error(`[compare] failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  for (const variant of variants) {
    if (variant.home) await openless.stop({ home: variant.home, port: variant.port, pid: variant.pid, cli: join(variant.dir, 'bin/less-cli.js') });
  }
  await stopAllChildren();
  await rm(root, { recursive: true, force: true });
}
