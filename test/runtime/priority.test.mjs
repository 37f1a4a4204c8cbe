// Handler executors run below the gateway's scheduling priority (src/runtime/priority.ts):
// what a handler sees of its own nice value, and the setting that changes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { projectDir, startTestServer } from '../helpers/server.mjs';
import { tunablesFromEnv } from '../../dist/server/config.js';

// Linux gives each thread its own nice value; elsewhere a worker thread keeps the server's.
const linuxOnly = { skip: process.platform !== 'linux' && 'per-thread priorities are Linux only' };

/** Each handler answers the nice value of the thread it runs on. */
const niceReporters = {
  'less/apis/nice/js/get.js': "exports.process = async () => ({ body: String(require('node:os').getPriority()) });\n",
  'less/apis/nice/py/get.py': "import os\n\ndef process(request, response):\n    response['body'] = str(os.nice(0))\n    return response\n",
};

async function niceOfHandlers(t, niceIncrement) {
  const server = await startTestServer(t, { executor: { niceIncrement } });
  await server.deploy('nice', await projectDir(niceReporters));
  const read = async (language) => {
    const res = await fetch(`${server.base}/nice/apis/nice/${language}`);
    assert.equal(res.status, 200);
    return Number(await res.text());
  };
  return { js: await read('js'), py: await read('py') };
}

test('JavaScript and Python handlers run 10 nice steps below the server; the gateway keeps its priority', linuxOnly, async (t) => {
  const server = getPriority();
  const expected = Math.min(19, server + 10);
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
      { message: `LESS_HANDLER_NICE=${raw} is not a whole number from 0 to 19 — unset it or give e.g. LESS_HANDLER_NICE=10 (0 runs handlers at the server's own priority)` },
    );
  }
  assert.equal(tunablesFromEnv({ LESS_HANDLER_NICE: '19' }).executor.niceIncrement, 19);
});
