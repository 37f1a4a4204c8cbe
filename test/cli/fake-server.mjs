// A stand-in for src/server/server.ts that speaks docs/admin-api.md and nothing else, so
// the CLI's side of the contract (and its process management) is tested without the real
// runtime. Same signature as the real startServer; `requests` records what the CLI sent.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';

const WHEN = '2026-11-27T17:40:21.123Z';

export async function startServer({ home, port, host }) {
  await mkdir(home, { recursive: true });
  const token = randomBytes(16).toString('hex');
  const projects = new Map();
  const requests = [];
  let markClosed;
  const closed = new Promise((resolve) => (markClosed = resolve));
  const fail = (res, status, code, message, problems) =>
    send(res, status, { error: problems ? { code, message, problems } : { code, message } });

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname, query: url.search, body });
    if (req.headers.authorization !== `Bearer ${token}`) return fail(res, 401, 'unauthorized', 'bad token');
    const [, admin, kind, name, sub] = url.pathname.split('/');
    if (admin !== '_admin') return fail(res, 404, 'bad_request', 'not admin');
    if (kind === 'status') return send(res, 200, { pid: process.pid, port: actual.port, host, home, version: '0.1.0' });
    if (kind === 'shutdown') {
      send(res, 200, { stopping: true });
      return close();
    }
    if (kind !== 'projects') return fail(res, 404, 'bad_request', 'unknown route');
    if (!name) return send(res, 200, { projects: [...projects.values()].map((p) => p.summary) });
    if (req.method === 'POST') {
      if (name === 'server-invalid') {
        return fail(res, 422, 'validation_failed', 'invalid', [{ path: 'less/crons/nightly', problem: 'has no schedule', fix: 'export CRON_NIGHTLY=...' }]);
      }
      const resources = await resourcesOf(name, JSON.parse(body).root, `${host}:${actual.port}`);
      projects.set(name, { summary: { name, created_at: WHEN, updated_at: WHEN }, resources });
      return send(res, 200, resources);
    }
    const project = projects.get(name);
    if (!project) return fail(res, 404, 'project_not_found', `no project ${name}`);
    if (sub === 'logs') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`${WHEN} START r1\n${WHEN} INFO hello from ${url.searchParams.get('path')}\n${WHEN} END r1 1.00 ms\n`);
    }
    if (req.method === 'DELETE') {
      projects.delete(name);
      return send(res, 200, { deleted: name });
    }
    return send(res, 200, project.resources);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address();
  await writeFile(join(home, 'admin.token'), token, { mode: 0o600 });
  await writeFile(join(home, 'server.json'), JSON.stringify({ pid: process.pid, port: actual.port, host }));

  async function close() {
    await new Promise((resolve) => server.close(resolve));
    await rm(join(home, 'server.json'), { force: true });
    markClosed();
  }
  return { port: actual.port, host, closed, close, requests };
}

/** URLs of the api and socket folders, as the real server derives them from the project. */
async function resourcesOf(name, root, address) {
  const names = async (kind) => (await readdir(join(root, 'less', kind)).catch(() => [])).sort();
  const urls = async (kind, scheme) =>
    Object.fromEntries((await names(kind)).map((n) => [n, `${scheme}://${address}/${name}/${kind}/${n}`]));
  return {
    project: name,
    apis: await urls('apis', 'http'),
    sockets: await urls('sockets', 'ws'),
    topics: (await names('topics')).length > 0 ? `http://${address}/${name}` : null,
    functions: null,
    statics: await urls('statics', 'http'),
  };
}

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function readBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}
