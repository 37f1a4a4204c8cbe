// The upload size limit (LESS_FILES_MAX_BYTES, docs/files.md): 413, and nothing stored;
// an upload the client abandons leaves nothing behind either.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
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

/** The names in the project's folder of uploads in progress (none before the first upload). */
const uploading = () => readdir(join(server.home, 'files', 'box', 'tmp')).catch(() => []);

/** Nothing reaches the client once it is gone, so this polls (bounded) for `done`. */
async function until(done, what) {
  const deadline = Date.now() + 5000;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('an upload the client abandons midway stores nothing and frees its temporary file', async () => {
  const url = await uploadUrl('public/abandoned.bin');
  const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT', headers: { 'Content-Length': 4000 } });
  req.on('error', () => undefined); // the socket is destroyed below on purpose
  req.write(Buffer.alloc(1000, 2));
  await until(async () => (await uploading()).length === 1, 'the upload is being stored');
  req.destroy();
  await until(async () => (await uploading()).length === 0, 'the temporary file is removed');
  assert.equal((await fetch(`${server.base}/box/files/public/abandoned.bin`)).status, 404);

  const again = await put(await uploadUrl('public/abandoned.bin'), { chunks: [Buffer.alloc(10, 3)] });
  assert.equal(again.status, 200);
  assert.equal(again.body.size, 10);
});
