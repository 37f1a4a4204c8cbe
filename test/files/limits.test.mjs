// The upload size limit (LESS_FILES_MAX_BYTES, docs/files.md): 413, and nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';

// This file runs in its own process: the server reads the limit from it at start.
process.env.LESS_FILES_MAX_BYTES = '4096';
const fixture = fileURLToPath(new URL('../fixtures/projects/files-js', import.meta.url));
let server;
const cleanups = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

before(async () => {
  server = await startTestServer({ after: (fn) => cleanups.push(fn) });
  await server.deploy('box', fixture);
});

async function uploadUrl(path) {
  const res = await fetch(`${server.base}/box/apis/storage/sign`, { method: 'POST', body: JSON.stringify({ kind: 'upload', path }) });
  const { url } = await res.json();
  return new URL(url.replace(`http://localhost:${server.port}`, server.base));
}

/** A PUT whose body is written in chunks (no Content-Length) or only announced. */
function put(url, { chunks = [], declared }) {
  return new Promise((resolve, reject) => {
    const headers = declared === undefined ? {} : { 'Content-Length': declared };
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(body) }));
    });
    req.on('error', reject);
    if (declared !== undefined) {
      req.flushHeaders(); // the answer comes before any byte of the body
      return;
    }
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

test('a body up to the limit is stored', async () => {
  const res = await put(await uploadUrl('public/exact.bin'), { chunks: [Buffer.alloc(4096, 1)] });
  assert.equal(res.status, 200);
  assert.equal(res.body.size, 4096);
});

test('a declared Content-Length over the limit is refused at once with 413', async () => {
  const res = await put(await uploadUrl('public/big.bin'), { declared: 100_000_000 });
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'files_too_large');
  assert.match(res.body.message, /at most 4096 bytes/);
});

test('a streamed body that grows over the limit is 413 and leaves nothing behind', async () => {
  const res = await put(await uploadUrl('public/streamed.bin'), { chunks: [Buffer.alloc(3000), Buffer.alloc(3000)] });
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'files_too_large');
  assert.equal((await fetch(`${server.base}/box/files/public/streamed.bin`)).status, 404);
});
