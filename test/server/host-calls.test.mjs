// A handler that bypasses the SDK and sends the host a call it does not know gets a rejection
// that says so; the server and the handler's instance keep serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectDir, startTestServer } from '../helpers/server.mjs';

test('an unknown host call is rejected with a clear error, and the instance keeps serving', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    'less/apis/raw/call/get.js': `exports.process = async () => {
  try {
    await globalThis[Symbol.for('openless.host')].call({ op: 'disk.format' });
    return { body: 'accepted?!' };
  } catch (error) {
    return { body: error.code + ': ' + error.message };
  }
};
`,
  });
  await server.deploy('raw', root);
  for (let i = 0; i < 2; i++) {
    const answer = await fetch(`${server.base}/raw/apis/raw/call`);
    assert.equal(await answer.text(), 'bad_request: unknown host call "disk.format" — use the SDK (@chuva.io/less, or less in Python) rather than the host object');
  }
});
