#!/usr/bin/env node
/**
 * `node bench/worker-cpu.mjs [--batch 256] [--seconds 2] [--runs 5]` — CPU time of one
 * JavaScript handler worker per invocation of the guide's `my_channel` handler, with no
 * network and no gateway: examples/web-sockets is deployed into a temporary LESS_HOME (the
 * real loader and build), one worker is started as the server starts it, and batches of
 * `--batch` invocations are sent the way the gateway sends channel frames (the frame's text, each
 * the first of its connection's sequence), each batch after the last is answered.
 *
 * CPU is read from /proc for the worker's thread only, so the figure moves much less than
 * the messages/s of `npm run bench` on a shared machine: use it to compare two checkouts
 * of the executor. Small batches show the cost of waking the worker once per batch.
 * Linux only (`/proc`). Information, not a target: there is no baseline.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { loadProject } from '../dist/project/load.js';
import { buildDeployment } from '../dist/deploy/build.js';
import { decodeFromExecutor, encodeToExecutor } from '../dist/runtime/js/js-wire.js';
import { median } from './stats.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values } = parseArgs({ options: { batch: { type: 'string', default: '256' }, seconds: { type: 'string', default: '2' }, runs: { type: 'string', default: '5' } } });
const batchSize = Number(values.batch);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const FUNCTION_PATH = 'sockets/demo/my_channel';
const FRAME = JSON.stringify({ channel: 'my_channel', data: 'Hello from a socket client.' });

/** CPU seconds of one thread of this process. */
function threadCpu(tid) {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const threads = () => new Set(readdirSync('/proc/self/task'));

async function main() {
  const home = await mkdtemp(join(tmpdir(), 'openless-worker-cpu-'));
  try {
    const deployment = await buildDeployment({ home, name: 'my-less-project', source: await loadProject(here('../examples/web-sockets')), env: {} });
    const before = threads();
    const logs = new MessageChannel();
    logs.port1.on('message', () => undefined); // the log thread's side: taken, not stored
    const worker = new Worker(here('../dist/runtime/js/handler-worker.js'), {
      workerData: { project: deployment.name, dir: deployment.dir, files: deployment.files, sockets: ['demo'], maxPublishBytes: 1024 * 1024, env: {}, logPort: logs.port2 },
      transferList: [logs.port2],
    });
    await new Promise((resolve) => worker.once('online', resolve));
    const workerThreads = [...threads()].filter((tid) => !before.has(tid));

    let nextId = 0;
    let answered = 0;
    let expected = 0;
    let allAnswered;
    worker.on('message', (wire) => {
      for (const message of decodeFromExecutor(wire)) {
        if (message.t !== 'result') continue;
        if (!message.ok) throw new Error(`the handler failed: ${message.error.message}`);
        answered++;
      }
      if (answered === expected) allAnswered();
    });
    const sendBatch = () => {
      const batch = [];
      for (let i = 0; i < batchSize; i++) {
        nextId++;
        const requestId = `6f1c2b3a-9d4e-4a1b-8c2d-${String(nextId).padStart(12, '0')}`;
        // As the gateway sends a channel frame: the frame's own text, first of its connection's sequence.
        const invocation = { kind: 'event', payload: { connection_id: `Zk3v9Qw1Xy2Lm${String(i).padStart(3, '0')}` }, frame: FRAME };
        batch.push({ t: 'invoke', id: nextId, requestId, functionPath: FUNCTION_PATH, invocation, after: 0 });
      }
      expected += batchSize;
      const done = new Promise((resolve) => (allAnswered = resolve));
      worker.postMessage(encodeToExecutor(batch));
      return done;
    };
    const runFor = async (ms) => {
      const until = Date.now() + ms;
      while (Date.now() < until) await sendBatch();
    };

    await runFor(1000); // warm-up: the handler's code optimised, as in a serving worker
    const perInvocation = [];
    for (let run = 1; run <= runs; run++) {
      const cpuBefore = workerThreads.reduce((sum, tid) => sum + threadCpu(tid), 0);
      const answeredBefore = answered;
      await runFor(seconds * 1000);
      const us = ((workerThreads.reduce((sum, tid) => sum + threadCpu(tid), 0) - cpuBefore) * 1e6) / (answered - answeredBefore);
      perInvocation.push(us);
      console.log(`[worker-cpu] run ${run}: ${us.toFixed(2)} µs of worker CPU per invocation (${answered - answeredBefore} invocations, batches of ${batchSize})`);
    }
    console.log(`[worker-cpu] median: ${median(perInvocation).toFixed(2)} µs per invocation of ${FUNCTION_PATH}, batches of ${batchSize}`);
    await worker.terminate();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

await main();
