// File storage (SPEC 2.5, docs/files.md): signed URLs from the SDK, used by a real HTTP client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';
import { rawRequest } from '../helpers/raw-http.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/files-js', import.meta.url));
let server;
const cleanups = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

before(async () => {
  server = await startTestServer({ after: (fn) => cleanups.push(fn) });
  await server.deploy('box', fixture);
  await server.deploy('other', fixture);
});

/** Asks the fixture's handler for a URL; resolves with { status, body }. */
async function sign(kind, path, options, project = 'box') {
  const res = await fetch(`${server.base}/${project}/apis/storage/sign`, { method: 'POST', body: JSON.stringify({ kind, path, options }) });
  return { status: res.status, body: await res.json() };
}

async function urlFor(kind, path, options, project) {
  const { status, body } = await sign(kind, path, options, project);
  assert.equal(status, 200, JSON.stringify(body));
  return body.url;
}

/** Signed URLs name the server as users reach it (`localhost`); the test server listens on 127.0.0.1. */
const local = (url) => url.replace(`http://localhost:${server.port}`, server.base);

async function upload(path, bytes, project) {
  const res = await fetch(local(await urlFor('upload', path, undefined, project)), { method: 'PUT', body: bytes });
  assert.equal(res.status, 200);
  return res.json();
}

test('upload through the signed PUT URL, then download through get_url: same bytes, type from the extension', async () => {
  const url = await urlFor('upload', 'avatars/me.png', { expires_in: 120 });
  assert.match(url, new RegExp(`^http://localhost:${server.port}/box/files/avatars/me\\.png\\?expires=\\d+&signature=[0-9a-f]{64}$`));
  const bytes = randomBytes(200_000);
  const put = await fetch(local(url), { method: 'PUT', body: bytes });
  assert.equal(put.status, 200);
  assert.deepEqual(await put.json(), { path: 'avatars/me.png', size: bytes.length });

  const get = await fetch(local(await urlFor('get', 'avatars/me.png')));
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('content-type'), 'image/png');
  assert.equal(get.headers.get('content-length'), String(bytes.length));
  assert.equal(get.headers.get('cache-control'), 'private, no-cache');
  assert.equal(get.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), bytes);
  const stored = await readFile(join(server.home, 'files/box/data/avatars/me.png'));
  assert.deepEqual(stored, bytes, 'embedded storage is a folder under $LESS_HOME');
});

test('URLs last 3600 s by default, expires_in otherwise; a TypeScript handler gets them too', async () => {
  const now = Math.floor(Date.now() / 1000);
  const expiresOf = (url) => Number(new URL(url).searchParams.get('expires'));
  const byDefault = expiresOf(await urlFor('get', 'a.txt'));
  assert.ok(byDefault >= now + 3600 && byDefault <= now + 3602, `${byDefault - now}`);
  const short = expiresOf(await urlFor('get', 'a.txt', { expires_in: 5 }));
  assert.ok(short >= now + 5 && short <= now + 7, `${short - now}`);
  const typed = await (await fetch(`${server.base}/box/apis/storage/typed?path=docs/x%20y.txt`)).json();
  assert.match(typed.url, new RegExp(`^http://localhost:${server.port}/box/files/docs/x%20y\\.txt\\?expires=`));
});

test('an overwritten file is replaced whole; HEAD, ranges and ETag/304 work on stored files', async () => {
  await upload('notes/today.txt', 'first version');
  await upload('notes/today.txt', '0123456789');
  const url = local(await urlFor('get', 'notes/today.txt'));
  const full = await fetch(url);
  assert.equal(full.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await full.text(), '0123456789');
  const head = await fetch(url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '10');
  const range = await fetch(url, { headers: { Range: 'bytes=3-4' } });
  assert.equal(range.status, 206);
  assert.equal(await range.text(), '34');
  const again = await fetch(url, { headers: { 'If-None-Match': full.headers.get('etag') } });
  assert.equal(again.status, 304);
});

test('wrong, missing and tampered signatures are 403 with the reason', async () => {
  await upload('secret/plan.txt', 'the plan');
  const good = new URL(local(await urlFor('get', 'secret/plan.txt')));
  const refused = async (url, code, init) => {
    const res = await fetch(url, init);
    assert.equal(res.status, 403, String(url));
    const body = await res.json();
    assert.equal(body.error, 'Forbidden');
    assert.equal(body.code, code, String(url));
    assert.equal(typeof body.message, 'string');
    assert.doesNotMatch(JSON.stringify(body), /the plan/);
  };
  const changed = (edit) => {
    const url = new URL(good);
    edit(url);
    return url;
  };
  const signature = good.searchParams.get('signature');
  const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
  await refused(changed((u) => u.searchParams.set('signature', flipped)), 'files_signature_invalid');
  await refused(changed((u) => u.searchParams.set('signature', 'nothex')), 'files_signature_invalid');
  await refused(changed((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600))), 'files_signature_invalid');
  await refused(changed((u) => (u.pathname = '/box/files/secret/other.txt')), 'files_signature_invalid');
  await refused(changed((u) => (u.pathname = '/other/files/secret/plan.txt')), 'files_signature_invalid');
  await refused(changed((u) => (u.search = '')), 'files_signature_missing');
  await refused(changed((u) => u.searchParams.delete('expires')), 'files_signature_missing');
  // Each URL allows only the method it was made for.
  await refused(good, 'files_signature_method', { method: 'PUT', body: 'overwritten' });
  await refused(local(await urlFor('upload', 'secret/plan.txt')), 'files_signature_method');
  assert.equal(await (await fetch(good)).text(), 'the plan', 'the file was not changed');
});

test('an expired URL is 403 files_url_expired', async () => {
  await upload('soon/gone.txt', 'brief');
  const url = local(await urlFor('get', 'soon/gone.txt', { expires_in: 1 }));
  assert.equal(await (await fetch(url)).text(), 'brief');
  // Wait for the clock to pass the URL's own expiry (at most 2 s), not a guessed time.
  const expires = Number(new URL(url).searchParams.get('expires'));
  await delay(Math.max(0, expires * 1000 - Date.now()) + 20);
  const res = await fetch(url);
  assert.equal(res.status, 403);
  assert.equal((await res.json()).code, 'files_url_expired');
});

test('files under public/ are readable without a signature, but writing them still needs one', async () => {
  await upload('public/hello.txt', 'hello, world');
  const res = await fetch(`${server.base}/box/files/public/hello.txt`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'public, no-cache');
  assert.equal(await res.text(), 'hello, world');
  const put = await fetch(`${server.base}/box/files/public/hello.txt`, { method: 'PUT', body: 'defaced' });
  assert.equal(put.status, 403);
  assert.equal((await put.json()).code, 'files_signature_missing');
  assert.equal((await fetch(`${server.base}/box/files/public/missing.txt`)).status, 404);
  assert.equal((await fetch(`${server.base}/box/files/publicity.txt`)).status, 403, 'only the public/ folder is open');
});

test('uploaded HTML is sandboxed: it cannot run as this server origin', async () => {
  await upload('public/page.html', '<script>fetch("/box/apis/storage/sign")</script>');
  const res = await fetch(`${server.base}/box/files/public/page.html`);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('content-security-policy'), 'sandbox');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  await res.text();
});

test('the SDK refuses paths and expiries that break a rule, naming it', async () => {
  const badPaths = {
    '../escape.txt': /\.\. segments/,
    'a/../../b': /\.\. segments/,
    './a': /\. or \.\. segments/,
    '/etc/passwd': /relative \(no leading \/\)/,
    'a\\b': /not \\/,
    'a\u0000b': /control characters/,
    'a\nb': /control characters/,
    'a//b': /empty segments/,
    'folder/': /empty segments/,
    '': /non-empty string/,
    ['x'.repeat(1025)]: /over 1024 bytes/,
  };
  for (const [path, rule] of Object.entries(badPaths)) {
    for (const kind of ['upload', 'get']) {
      const { status, body } = await sign(kind, path);
      assert.equal(status, 400, JSON.stringify(path));
      assert.equal(body.code, 'files_invalid_path');
      assert.match(body.message, rule, JSON.stringify(path));
      assert.match(body.message, kind === 'upload' ? /^files\.create_upload_url: / : /^files\.get_url: /);
    }
  }
  assert.equal((await sign('get', 42)).body.code, 'files_invalid_path');
  assert.equal((await sign('get', 'x'.repeat(1024))).status, 200, '1024 bytes is allowed');
  for (const expires_in of [0, -5, 1.5, '60', 604_801]) {
    const { status, body } = await sign('upload', 'a.txt', { expires_in });
    assert.equal(status, 400, JSON.stringify(expires_in));
    assert.equal(body.code, 'files_invalid_expiry');
    assert.match(body.message, /whole number of seconds from 1 to 604800/);
  }
  assert.equal((await sign('upload', 'a.txt', { expires_in: 604_800 })).status, 200);
});

test('paths in URLs follow the same rule: traversal attempts are 400 and read nothing', async () => {
  await upload('public/inside.txt', 'inside');
  const attempts = [
    '/box/files/../../admin.token',
    '/box/files/public/../../../admin.token',
    '/box/files/%2e%2e/.secret',
    '/box/files/public/%2e%2e/%2e%2e/.secret',
    '/box/files/public%2finside.txt',
    '/box/files/..%2f..%2fadmin.token',
    '/box/files/public%5c..%5c..%5c.secret',
    '/box/files/public/inside.txt%00',
    '/box/files//etc/passwd',
    '/box/files/public//inside.txt',
    '/box/files/%2Fetc%2Fpasswd',
    '/box/files/public/%',
    '/box/files/',
  ];
  for (const path of attempts) {
    const res = await rawRequest(server.base, path);
    assert.equal(res.status, 400, path);
    const body = JSON.parse(res.body.toString());
    assert.equal(body.code, 'files_invalid_path', path);
    const put = await rawRequest(server.base, `${path}?expires=9999999999&signature=${'0'.repeat(64)}`, { method: 'PUT', body: 'x' });
    assert.equal(put.status, 400, `PUT ${path}`);
  }
  const secret = await readFile(join(server.home, 'files/box/.secret'), 'utf8');
  assert.equal((await stat(join(server.home, 'files/box/.secret'))).mode & 0o777, 0o600);
  for (const path of attempts) assert.doesNotMatch((await rawRequest(server.base, path)).body.toString(), new RegExp(secret));
});

test('a path cannot be a file and a folder at once: 409', async () => {
  await upload('clash', 'a file');
  const res = await fetch(local(await urlFor('upload', 'clash/inner.txt')), { method: 'PUT', body: 'x' });
  assert.equal(res.status, 409);
  assert.equal((await res.json()).code, 'files_path_conflict');
  assert.equal((await fetch(local(await urlFor('get', 'clash')))).status, 200);
  assert.equal((await fetch(local(await urlFor('get', 'avatars')))).status, 404, 'a folder is not a file');
});

test('file URLs answer CORS preflight; other methods are 405', async () => {
  const preflight = await fetch(`${server.base}/box/files/public/x.png`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, HEAD, PUT, OPTIONS');
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
  for (const method of ['POST', 'DELETE', 'PATCH']) {
    const res = await fetch(`${server.base}/box/files/public/x.png`, { method });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, PUT, OPTIONS');
    await res.text();
  }
});

test('deleting the project deletes its files and its key: old URLs never work again', async () => {
  await upload('public/keep.txt', 'mine', 'other');
  await upload('private.txt', 'also mine', 'other');
  const oldUrl = local(await urlFor('get', 'private.txt', undefined, 'other'));
  assert.equal((await server.admin('/projects/other', { method: 'DELETE' })).status, 200);
  assert.equal((await fetch(`${server.base}/other/files/public/keep.txt`)).status, 404);
  await assert.rejects(access(join(server.home, 'files/other/data')), { code: 'ENOENT' });
  await assert.rejects(access(join(server.home, 'files/other')), { code: 'ENOENT' });

  await server.deploy('other', fixture);
  assert.equal((await fetch(`${server.base}/other/files/public/keep.txt`)).status, 404, 'a redeploy starts empty');
  await urlFor('get', 'anything.txt', undefined, 'other'); // a new key is made
  const res = await fetch(oldUrl);
  assert.equal(res.status, 403, 'the old key is gone with the project');
  assert.equal((await res.json()).code, 'files_signature_invalid');
});

test('the Python SDK signs the same URLs: upload from Python, download with a URL signed by JavaScript', async () => {
  const signPy = async (body) => {
    const res = await fetch(`${server.base}/box/apis/storage/sign_py`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const upload = await signPy({ kind: 'upload', path: 'py/note.txt', options: { expires_in: 60 } });
  assert.equal(upload.status, 200, JSON.stringify(upload.body));
  assert.equal(new URL(upload.body.url).pathname, '/box/files/py/note.txt');
  assert.equal((await fetch(local(upload.body.url), { method: 'PUT', body: 'from python' })).status, 200);
  assert.equal(await (await fetch(local(await urlFor('get', 'py/note.txt')))).text(), 'from python');
  const download = await signPy({ kind: 'get', path: 'py/note.txt' });
  assert.equal(await (await fetch(local(download.body.url))).text(), 'from python');
  const bad = await signPy({ kind: 'get', path: '../escape.txt' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'files_invalid_path');
});
