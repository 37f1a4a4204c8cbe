// Anything the validator accepts must run: kinds this release does not serve fail the deploy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectDir, startTestServer } from '../helpers/server.mjs';

test('unserved resource kinds fail the deploy, naming each path; Python handlers are not among them', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    'less/apis/demo/hello/get.js': 'exports.process = async () => ({ statusCode: 200, body: "ok" });',
    'less/sockets/demo/connect/__init__.py': 'def process(data):\n    pass\n',
    'less/topics/user_created/welcome/index.js': 'exports.process = async () => {};',
    'less/crons/daily/index.js': 'exports.process = async () => {};',
  });
  const failure = await server.deploy('partial', root).catch((error) => error);
  assert.equal(failure.status, 400);
  assert.equal(failure.body.error.code, 'unsupported_resource');
  assert.deepEqual(
    failure.body.error.problems.map((p) => p.path),
    ['less/topics', 'less/crons'],
  );
  for (const problem of failure.body.error.problems) assert.match(problem.fix, /^remove less\//);
  assert.equal((await fetch(`${server.base}/partial/apis/demo/hello`)).status, 404, 'nothing was deployed');
});
