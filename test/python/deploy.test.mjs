// Deploying Python: syntax errors and a missing interpreter fail the deploy (nothing is
// deployed), redeploys swap the code under open connections, a crash loses one invocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../helpers/cli.mjs';
import { Client } from '../helpers/client.mjs';
import { projectDir, startTestServer, writeFiles } from '../helpers/server.mjs';

const hello = {
  'less/apis/demo/hello/get.py': "def process(request, response):\n    response['body'] = 'v1'\n    return response\n",
};

test('a syntax error fails the deploy naming file and line; nothing is deployed, the old version keeps serving', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir(hello);
  await server.deploy('syn', root);
  await writeFiles(root, {
    'less/apis/demo/hello/get.py': "def process(request, response):\n    response['body'] = 'v2'\n    return response\n",
    'less/apis/demo/broken/get.py': "def process(request, response):\n    x = (1,\n    return response\n",
    'less/shared/util.py': 'def helper(:\n    pass\n',
  });
  const failure = await server.deploy('syn', root).catch((error) => error);
  assert.equal(failure.status, 400);
  assert.equal(failure.body.error.code, 'syntax_error');
  // The wording and the line of an unclosed bracket depend on the Python version (3.11: line 2).
  const fix = 'correct the Python syntax and deploy again';
  assert.match(failure.body.error.message, new RegExp(`^less/apis/demo/broken/get\\.py:[23]: .+ \\(and 1 more\\) — ${fix}$`));
  const [broken, shared] = failure.body.error.problems;
  assert.match(broken.path, /^less\/apis\/demo\/broken\/get\.py:[23]$/);
  assert.deepEqual(shared, { path: 'less/shared/util.py:1', problem: 'invalid syntax', fix });
  assert.equal(broken.fix, fix);
  assert.equal(failure.body.error.problems.length, 2);
  assert.equal(await (await fetch(`${server.base}/syn/apis/demo/hello`)).text(), 'v1', 'the previous version still serves');
  assert.equal((await fetch(`${server.base}/syn/apis/demo/broken`)).status, 404);
  const versions = await readdir(join(server.home, 'projects', 'syn'));
  assert.equal(versions.length, 1, 'the failed build left no version folder behind');
});

test('without a Python interpreter a project with Python handlers fails to deploy; LESS_PYTHON is named', async (t) => {
  const server = await startTestServer(t);
  process.env.LESS_PYTHON = '/nonexistent/python3';
  t.after(() => delete process.env.LESS_PYTHON);
  const failure = await server.deploy('nopy', await projectDir(hello)).catch((error) => error);
  assert.equal(failure.body.error.code, 'python_unavailable');
  assert.equal(
    failure.body.error.message,
    'the project has Python handlers, but "/nonexistent/python3" was not found — install Python 3.8 or newer, or set LESS_PYTHON to its path for the server',
  );
  assert.equal((await fetch(`${server.base}/nopy/apis/demo/hello`)).status, 404);

  // A JavaScript project with a stray .py file does not need Python.
  const js = await projectDir({
    'less/apis/demo/hello/get.js': 'exports.process = async () => ({ body: "js" });',
    'less/shared/notes.py': 'not python at all(\n',
  });
  await server.deploy('jsonly', js);
  assert.equal(await (await fetch(`${server.base}/jsonly/apis/demo/hello`)).text(), 'js');
});

test('a static site may offer .py downloads: they are served, not compiled', async (t) => {
  const server = await startTestServer(t);
  const sample = 'print "hello from Python 2"\n';
  const root = await projectDir({ ...hello, 'less/statics/site/sample.py': sample });
  await server.deploy('pystatic', root);
  const res = await fetch(`${server.base}/pystatic/statics/site/sample.py`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), sample);
  assert.equal(await (await fetch(`${server.base}/pystatic/apis/demo/hello`)).text(), 'v1');
});

test('a redeploy keeps connections open, frames reach the new Python code, old processes stop', async (t) => {
  const server = await startTestServer(t);
  const channel = (version) =>
    `import os\nfrom less import sockets\n\ndef process(event):\n    sockets.live.publish({'version': '${version}', 'pid': os.getpid()}, [event['connection_id']])\n`;
  const root = await projectDir({ 'less/sockets/live/ping/__init__.py': channel('v1') });
  await server.deploy('redeploy', root);
  const client = await Client.connect(`${server.ws}/redeploy/sockets/live`);
  const before = await client.askJson('ping');
  assert.equal(before.version, 'v1');

  await writeFiles(root, { 'less/sockets/live/ping/__init__.py': channel('v2') });
  await server.deploy('redeploy', root);
  const after = await client.askJson('ping');
  assert.equal(after.version, 'v2');
  assert.notEqual(after.pid, before.pid);
  // The old process exits once retired; nothing reaches the test from it, so poll (bounded).
  const deadline = Date.now() + 5000;
  while (isAlive(before.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(isAlive(before.pid), false, 'the previous deployment\'s process stopped');
  await client.close();
});

test('a crashing process fails only its invocation; the next one gets a new process', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    'less/apis/demo/crash/get.py': 'import os\n\ndef process(request, response):\n    os._exit(3)\n',
    'less/apis/demo/pid/get.py': "import os\n\ndef process(request, response):\n    response['body'] = {'pid': os.getpid()}\n    return response\n",
  });
  await server.deploy('crash', root);
  const res = await fetch(`${server.base}/crash/apis/demo/crash`);
  assert.equal(res.status, 500);
  const { request_id } = await res.json();
  await server.waitForLog('crash', 'apis/demo/crash/get', new RegExp(`ERROR ${request_id} the invocation was lost: the Python worker exited with code 3`));
  assert.equal((await fetch(`${server.base}/crash/apis/demo/pid`)).status, 200);
});
