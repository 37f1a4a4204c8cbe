// Test harness: a real OpenLess server on port 0 with its own LESS_HOME, real clients.
import { mkdtemp, mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../../dist/server/server.js';
import { tunablesFromEnv } from '../../dist/server/config.js';

/** Writes `files` ({ 'less/apis/demo/hello/get.js': '…' }) into a fresh folder. */
export async function projectDir(files) {
  const root = await mkdtemp(join(tmpdir(), 'openless-project-'));
  await writeFiles(root, files);
  return root;
}

export async function writeFiles(root, files) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Tunables with test-friendly overrides, e.g. { executor: { timeoutMs: 500 } }. */
export function tunables(overrides = {}) {
  const base = tunablesFromEnv({});
  return {
    executor: { ...base.executor, ...overrides.executor },
    sockets: { ...base.sockets, ...overrides.sockets },
    apis: { ...base.apis, ...overrides.apis },
    topics: { ...base.topics, ...overrides.topics },
    kvs: { ...base.kvs, ...overrides.kvs },
  };
}

export async function startTestServer(t, overrides = {}) {
  const home = overrides.home ?? (await mkdtemp(join(tmpdir(), 'openless-home-')));
  const server = await startServer({ home, port: 0, host: '127.0.0.1', tunables: tunables(overrides), ...(overrides.tls ? { tls: overrides.tls } : {}) });
  const token = (await readFile(join(home, 'admin.token'), 'utf8')).trim();
  const base = `http://127.0.0.1:${server.port}`;
  const admin = (path, init = {}) =>
    fetch(`${base}/_admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  const harness = {
    home,
    port: server.port,
    base,
    ws: `ws://127.0.0.1:${server.port}`,
    server,
    admin,
    /** Deploys a folder; resolves with the admin answer's JSON, rejects with its error JSON. */
    async deploy(name, root, env = {}) {
      const res = await admin(`/projects/${name}`, { method: 'POST', body: JSON.stringify({ root, env }) });
      const body = await res.json();
      if (res.status !== 200) throw Object.assign(new Error(body.error?.message), { status: res.status, body });
      return body;
    },
    async logs(project, path, tail = 10_000) {
      const res = await admin(`/projects/${project}/logs?tail=${tail}&path=${encodeURIComponent(path)}`);
      return res.text();
    },
    /** Resolves with the first log line of `path` matching `pattern` (already there or coming). */
    async waitForLog(project, path, pattern) {
      const controller = new AbortController();
      const res = await admin(`/projects/${project}/logs?follow=1&path=${encodeURIComponent(path)}`, { signal: controller.signal });
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of res.body) {
          buffered += decoder.decode(chunk, { stream: true });
          const line = buffered.split('\n').find((l) => pattern.test(l));
          if (line) return line;
        }
      } finally {
        controller.abort();
      }
      throw new Error(`log stream ended without a line matching ${pattern}`);
    },
    async close() {
      await server.close();
    },
  };
  t.after(async () => {
    await server.close();
    if (!overrides.home) await rm(home, { recursive: true, force: true });
  });
  return harness;
}
