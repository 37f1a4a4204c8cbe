// Static websites (SPEC 2.5 and 4, docs/statics.md), observed through real HTTP clients.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';
import { rawRequest } from '../helpers/raw-http.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/statics-site', import.meta.url));
const SECRET = 'TOP-SECRET';
let server;
let root;
let web;
let app;
const cleanups = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup();
  await rm(root, { recursive: true, force: true });
});

before(async () => {
  // A copy, so the links out of the site can be made here (a repository should not hold them).
  root = await mkdtemp(join(tmpdir(), 'openless-statics-'));
  await cp(fixture, root, { recursive: true });
  const site = join(root, 'less/statics/web');
  await mkdir(join(root, 'private'));
  await writeFile(join(root, 'private/secret.txt'), `${SECRET} in a folder\n`);
  await symlink('/etc/passwd', join(site, 'passwd'));
  await symlink(join(root, 'secret.txt'), join(site, 'outside.txt'));
  await symlink('../../../secret.txt', join(site, 'relative-outside.txt'));
  await symlink(join(root, 'private'), join(site, 'outside-dir'));
  server = await startTestServer({ after: (fn) => cleanups.push(fn) });
  const resources = await server.deploy('p', root);
  assert.deepEqual(resources.statics, {
    app: `http://localhost:${server.port}/p/statics/app/`,
    web: `http://localhost:${server.port}/p/statics/web/`,
  });
  web = `${server.base}/p/statics/web`;
  app = `${server.base}/p/statics/app`;
});

const fixtureText = (path) => readFile(join(fixture, 'less/statics', path), 'utf8');

test('the site URL serves index.html; without its slash it redirects to the slash form', async () => {
  const res = await fetch(`${web}/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('etag'), /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
  assert.equal(await res.text(), await fixtureText('web/index.html'));

  const bare = await fetch(`${web}?v=1`, { redirect: 'manual' });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), '/p/statics/web/?v=1');
});

test('a directory serves its index.html; without the slash it redirects first', async () => {
  const redirect = await fetch(`${web}/docs`, { redirect: 'manual' });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/p/statics/web/docs/');
  const res = await fetch(`${web}/docs/`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), await fixtureText('web/docs/index.html'));
  assert.equal(await (await fetch(`${web}/docs/guide.txt`)).text(), 'a guide\n');
});

test('content types follow the extension; text types say utf-8; unknown is octet-stream', async () => {
  const expected = {
    'style.css': 'text/css; charset=utf-8',
    'app.js': 'text/javascript; charset=utf-8',
    'app.mjs': 'text/javascript; charset=utf-8',
    'data.json': 'application/json; charset=utf-8',
    'logo.svg': 'image/svg+xml; charset=utf-8',
    'images/pixel.png': 'image/png',
    'module.wasm': 'application/wasm',
    'font.woff2': 'font/woff2',
    'digits.txt': 'text/plain; charset=utf-8',
    'unknown.xyz': 'application/octet-stream',
    noext: 'application/octet-stream',
  };
  for (const [path, type] of Object.entries(expected)) {
    const res = await fetch(`${web}/${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), await readFile(join(fixture, 'less/statics/web', path)), path);
  }
});

test('a matching ETag (or an unchanged Last-Modified) answers 304 with no body', async () => {
  const first = await fetch(`${web}/style.css`);
  const etag = first.headers.get('etag');
  await first.arrayBuffer();
  for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const res = await fetch(`${web}/style.css`, { headers: { 'If-None-Match': ifNoneMatch } });
    assert.equal(res.status, 304, ifNoneMatch);
    assert.equal(res.headers.get('etag'), etag);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(await res.text(), '');
  }
  const changed = await fetch(`${web}/style.css`, { headers: { 'If-None-Match': '"something-else"' } });
  assert.equal(changed.status, 200);
  assert.equal(await changed.text(), 'h1 { color: teal; }\n');
  const since = await fetch(`${web}/style.css`, { headers: { 'If-Modified-Since': first.headers.get('last-modified') } });
  assert.equal(since.status, 304);
});

test('HEAD gives the headers of GET and no body', async () => {
  const res = await rawRequest(server.base, '/p/statics/web/digits.txt', { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-length'], '10');
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['accept-ranges'], 'bytes');
  assert.equal(res.body.length, 0);
});

test('one byte range is served with 206; an unsatisfiable one is 416; several ranges get the whole file', async () => {
  const ask = (range, extra = {}) => fetch(`${web}/digits.txt`, { headers: { Range: range, ...extra } });
  const middle = await ask('bytes=2-5');
  assert.equal(middle.status, 206);
  assert.equal(middle.headers.get('content-range'), 'bytes 2-5/10');
  assert.equal(middle.headers.get('content-length'), '4');
  assert.equal(await middle.text(), '2345');
  assert.equal(await (await ask('bytes=7-')).text(), '789');
  assert.equal(await (await ask('bytes=-3')).text(), '789');
  assert.equal(await (await ask('bytes=8-100')).text(), '89');
  const outside = await ask('bytes=10-20');
  assert.equal(outside.status, 416);
  assert.equal(outside.headers.get('content-range'), 'bytes */10');
  const several = await ask('bytes=0-1,4-5');
  assert.equal(several.status, 200);
  assert.equal(await several.text(), '0123456789');
  const stale = await ask('bytes=0-1', { 'If-Range': '"not-the-etag"' });
  assert.equal(stale.status, 200);
  assert.equal(await stale.text(), '0123456789');
});

test('only GET and HEAD: anything else is 405 with Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const res = await fetch(`${web}/index.html`, { method });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    await res.arrayBuffer();
  }
});

test('missing files, folders without index.html and hidden names are 404, never a listing', async () => {
  for (const path of ['missing.html', 'docs/missing/', 'images/', 'images', 'style.css/', '.hidden.txt', 'users/42']) {
    const res = await fetch(`${web}/${path}`, { redirect: 'manual' });
    if (path === 'images') {
      assert.equal(res.status, 301, 'a folder URL still gets its slash first');
      continue;
    }
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.doesNotMatch(await res.text(), /pixel\.png/);
  }
  assert.equal((await fetch(`${server.base}/p/statics/nosuchsite/`)).status, 404);
  const wellKnown = await fetch(`${web}/.well-known/security.txt`);
  assert.equal(wellKnown.status, 200, '.well-known is the one hidden name served');
  assert.equal(wellKnown.headers.get('content-type'), 'text/plain; charset=utf-8');
});

test('traversal attempts and links out of the site never return outside bytes', async () => {
  const attempts = [
    '/p/statics/web/../../../../../../etc/passwd',
    '/p/statics/web/../../secret.txt',
    '/p/statics/web/%2e%2e/%2e%2e/%2e%2e/secret.txt',
    '/p/statics/web/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt',
    '/p/statics/web/..%2f..%2f..%2fsecret.txt',
    '/p/statics/web/docs/..%5c..%5c..%5c..%5csecret.txt',
    '/p/statics/web/%2fetc%2fpasswd',
    '/p/statics/web//etc/passwd',
    '/p/statics/web/index.html%00.txt',
    '/p/statics/web/%2e/index.html',
    '/p/statics/web/%2e%2e/app/index.html',
    '/p/statics/web/passwd',
    '/p/statics/web/outside.txt',
    '/p/statics/web/relative-outside.txt',
    '/p/statics/web/outside-dir/secret.txt',
    '/p/statics/web/outside-dir/',
    '/p/statics/web/%',
  ];
  for (const path of attempts) {
    const res = await rawRequest(server.base, path);
    assert.equal(res.status, 404, path);
    const text = res.body.toString();
    assert.doesNotMatch(text, new RegExp(SECRET), path);
    assert.doesNotMatch(text, /root:/, path);
  }
});

test('a single-page app (.openless-spa) gets index.html for unknown paths without an extension', async () => {
  const index = await fixtureText('app/index.html');
  for (const path of ['users/42', 'settings/', 'deep/link/here']) {
    const res = await fetch(`${app}/${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await res.text(), index, path);
  }
  assert.equal(await (await fetch(`${app}/assets/app.js`)).text(), 'render();\n');
  const missing = await fetch(`${app}/assets/missing.js`);
  assert.equal(missing.status, 404, 'a path with an extension is a real 404');
  assert.equal(missing.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await missing.text(), await fixtureText('app/404.html'), "the site's 404.html is the body");
  assert.equal((await fetch(`${app}/.openless-spa`)).status, 404, 'the switch itself is not served');
  const traversal = await rawRequest(server.base, '/p/statics/app/%2e%2e/web/passwd');
  assert.equal(traversal.status, 404);
  assert.doesNotMatch(traversal.body.toString(), /root:/);
});

test('a redeploy serves the new files at once, with a new ETag', async (t) => {
  const copy = await mkdtemp(join(tmpdir(), 'openless-statics-'));
  t.after(() => rm(copy, { recursive: true, force: true }));
  await cp(fixture, copy, { recursive: true });
  await server.deploy('q', copy);
  const before = await fetch(`${server.base}/q/statics/web/`);
  const etag = before.headers.get('etag');
  await before.text();
  await writeFile(join(copy, 'less/statics/web/index.html'), '<h1>v2</h1>\n');
  await server.deploy('q', copy);
  const afterDeploy = await fetch(`${server.base}/q/statics/web/`, { headers: { 'If-None-Match': etag } });
  assert.equal(afterDeploy.status, 200);
  assert.equal(await afterDeploy.text(), '<h1>v2</h1>\n');
  assert.notEqual(afterDeploy.headers.get('etag'), etag);
});
