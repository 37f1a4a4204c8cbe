// TLS (SPEC 4): with a certificate and key the one port serves https and wss, and the
// resource URLs say so; plain http stays open to this machine for less-cli.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { startTestServer } from '../helpers/server.mjs';
import { freePort, lessCli } from '../helpers/cli.mjs';
import { isLocal } from '../../dist/server/listener.js';

const example = fileURLToPath(new URL('../../examples/web-sockets', import.meta.url));

/** A self-signed certificate for localhost / 127.0.0.1, made with the machine's openssl. */
async function selfSigned(t) {
  const dir = await mkdtemp(join(tmpdir(), 'openless-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert, key, ca: await readFile(cert) };
}

function httpsRequest(url, { method = 'GET', ca, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

test('with TLS the guide runs over https and wss, verified against the certificate', async (t) => {
  const tls = await selfSigned(t);
  const server = await startTestServer(t, { tls: { cert: tls.cert, key: tls.key } });
  // The admin API (what less-cli uses) still answers plain http on loopback.
  const deployed = await server.deploy('my-less-project', example);
  assert.equal(deployed.apis.demo, `https://localhost:${server.port}/my-less-project/apis/demo`);
  assert.equal(deployed.sockets.demo, `wss://localhost:${server.port}/my-less-project/sockets/demo`);

  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/my-less-project/sockets/demo`, { ca: tls.ca });
  const frames = [];
  const next = () => new Promise((resolve) => ws.once('message', (data) => resolve(String(data))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  t.after(() => ws.terminate());
  const echo = next();
  ws.send(JSON.stringify({ channel: 'my_channel', data: 'Hello from a socket client.' }));
  frames.push(await echo);
  const pushed = next();
  const post = await httpsRequest(`https://127.0.0.1:${server.port}/my-less-project/apis/demo/hello`, { method: 'POST', ca: tls.ca });
  assert.equal(post.status, 204);
  frames.push(await pushed);
  assert.deepEqual(frames, ['"You said: \\"\\"Hello from a socket client.\\"\\""', '"Hello from POST /hello"']);
});

test('with TLS a client that does not trust the certificate is refused and the server keeps serving', async (t) => {
  const tls = await selfSigned(t);
  const server = await startTestServer(t, { tls: { cert: tls.cert, key: tls.key } });
  await server.deploy('my-less-project', example);
  await assert.rejects(httpsRequest(`https://127.0.0.1:${server.port}/my-less-project/apis/demo/hello`, { method: 'POST' }), /self-signed certificate/);
  const after = await httpsRequest(`https://127.0.0.1:${server.port}/my-less-project/apis/demo/hello`, { method: 'POST', ca: tls.ca });
  assert.equal(after.status, 204);
});

test('less-cli with LESS_TLS_CERT/LESS_TLS_KEY starts a TLS server and prints https/wss URLs', async (t) => {
  const tls = await selfSigned(t);
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-tls-cli-')), LESS_PORT: String(await freePort()), LESS_TLS_CERT: tls.cert, LESS_TLS_KEY: tls.key };
  t.after(async () => {
    await lessCli(['server', 'stop'], { cwd: example, env });
    await rm(env.LESS_HOME, { recursive: true, force: true });
  });
  const deploy = await lessCli(['deploy', 'my-less-project'], { cwd: example, env });
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.ok(deploy.stdout.includes(`[less-cli]     - demo: https://localhost:${env.LESS_PORT}/my-less-project/apis/demo\n`), deploy.stdout);
  assert.ok(deploy.stdout.includes(`[less-cli]     - demo: wss://localhost:${env.LESS_PORT}/my-less-project/sockets/demo\n`), deploy.stdout);
  const post = await httpsRequest(`https://127.0.0.1:${env.LESS_PORT}/my-less-project/apis/demo/hello`, { method: 'POST', ca: tls.ca });
  assert.equal(post.status, 204);
});

test('a certificate without its key, or an unreadable one, is one clear error', async (t) => {
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-tls-bad-')), LESS_PORT: String(await freePort()) };
  t.after(() => rm(env.LESS_HOME, { recursive: true, force: true }));
  const half = await lessCli(['server', 'run', '--tls-cert', '/nonexistent/cert.pem'], { cwd: example, env });
  assert.equal(half.code, 1);
  assert.match(half.stderr, /TLS needs both a certificate and a key, but only the certificate was given/);
  const missing = await lessCli(['server', 'run', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], { cwd: example, env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read the TLS certificate \/nonexistent\/cert\.pem \(ENOENT\)/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
});

test('a readable certificate that is not PEM, or not the key\'s, is one clear error before anything starts', async (t) => {
  const tls = await selfSigned(t);
  const other = await selfSigned(t);
  const env = { LESS_HOME: await mkdtemp(join(tmpdir(), 'openless-tls-bad-')), LESS_PORT: String(await freePort()) };
  t.after(() => rm(env.LESS_HOME, { recursive: true, force: true }));
  const garbage = join(env.LESS_HOME, 'garbage.pem');
  await writeFile(garbage, 'not a certificate\n');
  const fix = 'point them at the certificate and the unencrypted key it was made for';

  const notPem = await lessCli(['server', 'run', '--tls-cert', garbage, '--tls-key', tls.key], { cwd: example, env });
  assert.equal(notPem.code, 1);
  assert.equal(
    notPem.stderr.trim(),
    `[less-cli] Error: LESS_TLS_CERT (${garbage}) and LESS_TLS_KEY (${tls.key}) are not a PEM certificate and its private key (no start line) — ${fix}`,
  );
  const mismatch = await lessCli(['server', 'run', '--tls-cert', tls.cert, '--tls-key', other.key], { cwd: example, env });
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /are not a PEM certificate and its private key \(key values mismatch\) — /);
  assert.doesNotMatch(mismatch.stderr, /\n\s+at /, 'no stack trace');
});

test('plain http is local when it comes from loopback or from the server\'s own address', () => {
  const local = (remoteAddress, localAddress = '127.0.0.1') => isLocal({ remoteAddress, localAddress });
  assert.equal(local('127.0.0.1'), true);
  assert.equal(local('127.0.0.53'), true);
  assert.equal(local('::1', '::1'), true);
  assert.equal(local('::ffff:127.0.0.1', '::ffff:127.0.0.1'), true);
  assert.equal(local('192.168.1.5', '192.168.1.5'), true, 'this machine calling its own LAN address');
  assert.equal(local('192.168.1.7', '192.168.1.5'), false);
  assert.equal(local('::ffff:192.168.1.7', '::ffff:192.168.1.5'), false);
  assert.equal(local(undefined), false, 'a socket already closed has no address');
  assert.equal(local(undefined, undefined), false);
});
