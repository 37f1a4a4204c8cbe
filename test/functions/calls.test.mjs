// functions.<name>(payload) from handlers: JS→JS, JS→Python, Python→JS, Python→Python, and
// function→function. Values survive as JSON; a function's error reaches the caller as its
// message (never its stack), which stays in the function's own log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';
import { everyJsonShape } from '../helpers/values.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/functions-mixed', import.meta.url));

const object = everyJsonShape;
const payloads = [object, [1, 'two', null, { a: [] }], [], 42, -0.25, 'text', '', null, true, false, 0];
const everyFunction = 'js_chain, js_echo, js_fail, js_loop, py_chain, py_echo, py_fail, py_loop';

test('cloud functions called from JavaScript and Python handlers', async (t) => {
  const server = await startTestServer(t);
  const deployed = await server.deploy('fns', fixture);
  assert.equal(deployed.functions, `http://localhost:${server.port}/fns`);

  /** Calls function `name` from the `caller` language's API handler; `args` is [] or [payload]. */
  async function call(caller, name, ...args) {
    const body = args.length > 0 ? { name, payload: args[0] } : { name };
    const res = await fetch(`${server.base}/fns/apis/calls/${caller}`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    return res.json();
  }

  await t.test('every JSON value comes back unchanged, in all four directions', async () => {
    for (const caller of ['js', 'py']) {
      for (const name of ['js_echo', 'py_echo']) {
        for (const payload of payloads) {
          assert.deepEqual(await call(caller, name, payload), { ok: true, value: payload }, `${caller} → ${name}(${JSON.stringify(payload)})`);
        }
      }
    }
  });

  await t.test('no payload: undefined in JavaScript, None in Python; nothing returned is undefined / null / None', async () => {
    assert.deepEqual(await call('js', 'js_echo'), { ok: true, value: '<undefined>' });
    assert.deepEqual(await call('js', 'py_echo'), { ok: true, value: null });
    assert.deepEqual(await call('py', 'js_echo'), { ok: true, value: null });
    assert.deepEqual(await call('py', 'py_echo'), { ok: true, value: null });
  });

  await t.test('a function calls functions in both languages', async () => {
    const expected = { js: 'HÉ!', py: ['hé!', 3] };
    for (const caller of ['js', 'py']) {
      for (const name of ['js_chain', 'py_chain']) {
        assert.deepEqual(await call(caller, name, { text: 'hé!' }), { ok: true, value: expected }, `${caller} → ${name}`);
      }
    }
  });

  await t.test("a function's exception rejects / raises in the caller with its message", async () => {
    assert.deepEqual(await call('js', 'js_fail', { n: 1 }), { ok: false, code: 'function_error', message: 'js went wrong' });
    assert.deepEqual(await call('js', 'py_fail', { n: 2 }), { ok: false, code: 'function_error', message: 'py went wrong' });
    assert.deepEqual(await call('py', 'js_fail', { n: 3 }), { ok: false, code: 'function_error', message: 'js went wrong', type: 'LessError' });
    assert.deepEqual(await call('py', 'py_fail', { n: 4 }), { ok: false, code: 'function_error', message: 'py went wrong', type: 'LessError' });
  });

  await t.test("the function's log holds its output and stack under its own request id", async () => {
    const jsLine = await server.waitForLog('fns', 'functions/js_fail', /INFO \S+ js_fail got \{"n":1\}/);
    const jsId = jsLine.split(' ')[2];
    const jsLog = await server.logs('fns', 'functions/js_fail');
    assert.match(jsLog, new RegExp(`START ${jsId}\n`));
    assert.match(jsLog, new RegExp(`ERROR ${jsId} Error: js went wrong\n +at .*\\(less/functions/js_fail/index\\.js:3`));
    assert.match(jsLog, new RegExp(`END ${jsId} [\\d.]+ ms`));

    const pyLine = await server.waitForLog('fns', 'functions/py_fail', /INFO \S+ py_fail got \{'n': 2\}/);
    const pyId = pyLine.split(' ')[2];
    const pyLog = await server.logs('fns', 'functions/py_fail');
    assert.match(pyLog, new RegExp(`ERROR ${pyId} Traceback \\(most recent call last\\):\n[^]*less/functions/py_fail/__init__.py", line 3, in process\n[^]*ValueError: py went wrong\n`));
    assert.match(pyLog, new RegExp(`END ${pyId} [\\d.]+ ms`));
    // The caller's log does not get the function's stack.
    assert.doesNotMatch(await server.logs('fns', 'apis/calls/js/post'), /js went wrong|py went wrong/);
  });

  await t.test('an unknown function is an error naming it and listing the functions', async () => {
    const message = `functions.nope: project "fns" has no function "nope" (functions: ${everyFunction}); add less/functions/nope/ or fix the name`;
    assert.deepEqual(await call('js', 'nope', 1), { ok: false, code: 'function_not_found', message });
    assert.deepEqual(await call('py', 'nope', 1), { ok: false, code: 'function_not_found', message, type: 'LessError' });
  });

  await t.test('calls nested without end stop at depth 32 with an error, and the server keeps serving', async () => {
    const message = 'functions.js_loop: more than 32 function calls are nested (a function calling itself without end?)';
    assert.deepEqual(await call('js', 'js_loop', 0), { ok: false, code: 'function_error', message });
    assert.deepEqual(await call('py', 'js_loop', 0), { ok: false, code: 'function_error', message, type: 'LessError' });
    assert.deepEqual(await call('py', 'py_echo', 'still here'), { ok: true, value: 'still here' });
  });
});
