// Inside a Python worker process: what handlers can import, and how cold handlers load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectDir, startTestServer } from '../helpers/server.mjs';

test('handlers cannot import the worker\'s own files; a shared module of the same name is the project\'s', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    'less/shared/host.py': "WHOSE = 'project'\n",
    'less/apis/demo/imports/get.py': [
      'import importlib',
      '',
      'def process(request, response):',
      "    found = {'host': importlib.import_module('host').WHOSE}",
      "    for name in ('worker', 'check_syntax'):",
      '        try:',
      '            found[name] = importlib.import_module(name).__file__',
      '        except ModuleNotFoundError:',
      '            found[name] = None',
      "    response['body'] = found",
      '    return response',
      '',
    ].join('\n'),
  });
  await server.deploy('pyimports', root);
  const res = await fetch(`${server.base}/pyimports/apis/demo/imports`);
  assert.deepEqual(await res.json(), { host: 'project', worker: null, check_syntax: null });
});

test('a handler whose import calls another function of the project loads (one process, no deadlock)', async (t) => {
  // One process, so both functions load in the same worker. With one lock for every load,
  // `quick` would wait for `starter`'s import, which waits for `quick`: a timeout.
  const server = await startTestServer(t, { executor: { maxInstances: 1, timeoutMs: 10_000 } });
  const root = await projectDir({
    'less/functions/quick/__init__.py': "def process(payload):\n    return {'quick': payload}\n",
    'less/functions/starter/__init__.py': [
      'from less import functions',
      '',
      "WARM = functions.quick('at import')",
      '',
      'def process(payload):',
      "    return {'warm': WARM}",
      '',
    ].join('\n'),
  });
  await server.deploy('pyload', root);
  const res = await fetch(`${server.base}/pyload/functions/starter`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { warm: { quick: 'at import' } });
});
