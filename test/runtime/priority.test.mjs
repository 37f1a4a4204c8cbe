// Handler executors run below the gateway's scheduling priority and under the batch policy
// (src/runtime/priority.ts): what a handler sees of its own nice value and policy, and the
// settings that change them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { projectDir, startTestServer } from '../helpers/server.mjs';
import { tunablesFromEnv } from '../../dist/server/config.js';

// Linux gives each thread its own nice value; elsewhere a worker thread keeps the server's.
const linuxOnly = { skip: process.platform !== 'linux' && 'per-thread priorities are Linux only' };

/** Each handler answers the nice value of the thread it runs on. */
const niceReporters = {
  'less/apis/nice/js/get.js': "exports.process = async () => ({ body: String(require('node:os').getPriority()) });\n",
  'less/apis/nice/py/get.py': "import os\n\ndef process(request, response):\n    response['body'] = str(os.nice(0))\n    return response\n",
};

/** Deploys `reporters` (GET /<name>/apis/<name>/js and …/py) on a server with these executor settings; what each answers. */
async function answersOfHandlers(t, executor, name, reporters) {
  const server = await startTestServer(t, { executor });
  await server.deploy(name, await projectDir(reporters));
  const read = async (language) => {
    const res = await fetch(`${server.base}/${name}/apis/${name}/${language}`);
    assert.equal(res.status, 200);
    return Number(await res.text());
  };
  return { js: await read('js'), py: await read('py') };
}

const niceOfHandlers = (t, niceIncrement) => answersOfHandlers(t, { niceIncrement }, 'nice', niceReporters);

test('JavaScript and Python handlers run 5 nice steps below the server; the gateway keeps its priority', linuxOnly, async (t) => {
  const server = getPriority();
  const expected = Math.min(19, server + 5);
  assert.deepEqual(await niceOfHandlers(t, tunablesFromEnv({}).executor.niceIncrement), { js: expected, py: expected });
  assert.equal(getPriority(), server, 'the thread that holds the sockets is not lowered');
});

test('LESS_HANDLER_NICE=0 runs handlers at the server\'s own priority', linuxOnly, async (t) => {
  const niceIncrement = tunablesFromEnv({ LESS_HANDLER_NICE: '0' }).executor.niceIncrement;
  assert.equal(niceIncrement, 0);
  const server = getPriority();
  assert.deepEqual(await niceOfHandlers(t, niceIncrement), { js: server, py: server });
});

test('LESS_HANDLER_NICE outside 0–19 is refused with the fix', () => {
  for (const raw of ['20', '-1', '2.5', 'low']) {
    assert.throws(
      () => tunablesFromEnv({ LESS_HANDLER_NICE: raw }),
      { message: `LESS_HANDLER_NICE=${raw} is not a whole number from 0 to 19 — unset it or give e.g. LESS_HANDLER_NICE=5 (0 runs handlers at the server's own priority)` },
    );
  }
  assert.equal(tunablesFromEnv({ LESS_HANDLER_NICE: '19' }).executor.niceIncrement, 19);
});

/** Linux's number for SCHED_BATCH (SCHED_OTHER is 0). */
const SCHED_BATCH = 3;
/** A thread's policy: field 41 of its /proc stat line (the fields after the command name's `)`). */
const policyIn = (statFile) => {
  const stat = readFileSync(statFile, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
};
// A JavaScript worker thread sets its policy with util-linux's chrt (Node has no call for it).
const linuxWithChrt = {
  skip: process.platform !== 'linux' ? 'scheduling policies are Linux only' : spawnSync('chrt', ['--version']).error ? 'chrt (util-linux) is not installed' : false,
};

/** Each handler answers the scheduling policy of the thread it runs on. */
const policyReporters = {
  'less/apis/policy/js/get.js':
    "const { readFileSync } = require('node:fs');\nexports.process = async () => ({ body: readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[38] });\n",
  'less/apis/policy/py/get.py': "import os\n\ndef process(request, response):\n    response['body'] = str(os.sched_getscheduler(0))\n    return response\n",
};

const policyOfHandlers = (t, batchPolicy) => answersOfHandlers(t, { batchPolicy }, 'policy', policyReporters);

test('JavaScript and Python handlers run under the batch policy; the gateway keeps the normal one', linuxWithChrt, async (t) => {
  assert.deepEqual(await policyOfHandlers(t, tunablesFromEnv({}).executor.batchPolicy), { js: SCHED_BATCH, py: SCHED_BATCH });
  assert.equal(policyIn('/proc/thread-self/stat'), 0, 'the thread that holds the sockets keeps the normal policy');
});

test('LESS_HANDLER_POLICY=normal keeps handlers under the normal policy', linuxOnly, async (t) => {
  const { batchPolicy } = tunablesFromEnv({ LESS_HANDLER_POLICY: 'normal' }).executor;
  assert.equal(batchPolicy, false);
  assert.deepEqual(await policyOfHandlers(t, batchPolicy), { js: 0, py: 0 });
});

test('the log store\'s thread runs under the batch policy too', linuxWithChrt, async (t) => {
  const server = await startTestServer(t);
  await server.deploy('quiet', await projectDir({ 'less/apis/quiet/get.js': 'exports.process = async () => ({ body: "" });\n' }));
  // A read is answered by the log thread, so its start (where it sets its policy) is behind it.
  assert.equal(await server.logs('quiet', 'apis/quiet/get'), '');
  const batchThreads = readdirSync('/proc/self/task').filter((id) => policyIn(`/proc/self/task/${id}/stat`) === SCHED_BATCH);
  // No handler has run, so no handler worker has started: the one is the log thread.
  assert.equal(batchThreads.length, 1);
});

test('LESS_HANDLER_POLICY other than batch or normal is refused with the fix', () => {
  for (const raw of ['BATCH', 'idle', '1']) {
    assert.throws(
      () => tunablesFromEnv({ LESS_HANDLER_POLICY: raw }),
      { message: `LESS_HANDLER_POLICY=${raw} is not batch or normal — unset it or give e.g. LESS_HANDLER_POLICY=batch (normal lets a woken handler take the CPU of the thread that holds the connections)` },
    );
  }
  assert.equal(tunablesFromEnv({ LESS_HANDLER_POLICY: 'batch' }).executor.batchPolicy, true);
});
