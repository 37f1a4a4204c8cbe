/** The admin API the CLI drives (docs/admin-api.md). Every route needs the bearer token. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { isLessError, LessError, nameList, projectNotDeployed } from '../errors.js';
import { sendJson } from '../gateway/http-reply.js';
import { validateProjectName } from '../project/names.js';
import type { LogStore } from '../storage/logs.js';
import type { ProjectManager } from './projects.js';
import { resourcesOf } from './resources.js';
import type { TopicService } from '../resources/topics/topic-service.js';
import { serveTopicsAdmin } from './admin-topics.js';

export interface AdminContext {
  token: string;
  projects: ProjectManager;
  logs: LogStore;
  topics: TopicService;
  status: () => Record<string, unknown>;
  hostPort: () => string;
  /** TLS is configured: resource URLs are https/wss. */
  secure: boolean;
  shutdown: () => void;
}

export async function serveAdmin(req: IncomingMessage, res: ServerResponse, path: string, search: string, context: AdminContext): Promise<void> {
  if (!authorized(req, context.token)) {
    return sendJson(res, 401, { error: { code: 'unauthorized', message: 'missing or wrong admin token (see $LESS_HOME/admin.token)' } });
  }
  try {
    await route(req, res, path, new URLSearchParams(search), context);
  } catch (error) {
    if (!isLessError(error)) throw error;
    const status = error.code === 'project_not_found' || error.code === 'function_not_found' ? 404 : error.user ? 400 : 500;
    sendJson(res, status, { error: error.toJSON() });
  }
}

async function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, context: AdminContext): Promise<void> {
  const [, , collection, name, sub, action] = path.split('/'); // '', '_admin', …
  const method = req.method ?? 'GET';
  if (collection === 'status' && method === 'GET') return sendJson(res, 200, context.status());
  if (collection === 'shutdown' && method === 'POST') {
    sendJson(res, 200, { stopping: true });
    return context.shutdown();
  }
  if (collection !== 'projects') throw new LessError('bad_request', `unknown admin route ${method} ${path}`);
  if (name === undefined || name === '') {
    const projects = context.projects.list().map((record) => ({
      name: record.name,
      created_at: new Date(record.createdAt).toISOString(),
      updated_at: new Date(record.updatedAt).toISOString(),
    }));
    return sendJson(res, 200, { projects });
  }
  const invalid = validateProjectName(name);
  if (invalid) throw new LessError('invalid_project_name', invalid);
  if (sub === 'logs' && method === 'GET') return streamLogs(req, res, name, query, context);
  if (sub === 'topics') {
    if (!context.projects.get(name)) throw projectNotDeployed(name);
    return serveTopicsAdmin(res, method, action, name, query, context.topics.store, () => context.topics.wake());
  }
  if (method === 'POST' && sub === undefined) {
    const body = parseJson(await readText(req)) as { root?: unknown; env?: unknown };
    if (typeof body.root !== 'string') throw new LessError('bad_request', 'deploy needs {"root": "<absolute project folder>"}');
    const record = await context.projects.deploy(name, body.root, (body.env ?? {}) as Record<string, string>);
    return sendJson(res, 200, resourcesOf(name, record.deployment.project, context.hostPort(), context.secure));
  }
  if (method === 'GET' && sub === undefined) {
    const live = context.projects.get(name);
    if (!live) throw projectNotDeployed(name);
    // `list resources` also shows each cron's next run; `deploy --json` keeps the SPEC 5 shape.
    return sendJson(res, 200, { ...resourcesOf(name, live.deployment.project, context.hostPort(), context.secure), crons: context.projects.cronRuns(name) });
  }
  if (method === 'DELETE' && sub === undefined) {
    await context.projects.remove(name);
    return sendJson(res, 200, { deleted: name });
  }
  throw new LessError('bad_request', `unknown admin route ${method} ${path}`);
}

async function streamLogs(req: IncomingMessage, res: ServerResponse, project: string, query: URLSearchParams, context: AdminContext): Promise<void> {
  const live = context.projects.get(project);
  if (!live) throw projectNotDeployed(project);
  const functionPath = (query.get('path') ?? '').replace(/^\/+|\/+$/g, '');
  if (functionPath === '') throw new LessError('bad_request', 'name the function with --path, e.g. --path sockets/demo/connect');
  const tail = query.has('tail') ? Number(query.get('tail')) : undefined;
  const follow = query.get('follow') === '1';
  // Subscribe before reading, so nothing stored in between is missed; ids drop the overlap.
  let lastId = 0;
  const pending: Array<{ id: number; line: string }> = [];
  let streaming = false;
  const write = (entry: { id: number; line: string }) => {
    if (entry.id <= lastId) return;
    lastId = entry.id;
    res.write(`${entry.line}\n`);
  };
  const unsubscribe = follow ? context.logs.subscribe(project, functionPath, (entry) => (streaming ? write(entry) : pending.push(entry))) : () => undefined;
  req.on('close', unsubscribe);
  // `--tail 0` shows no earlier lines (with --follow: only new ones); one is still read for the check below.
  const entries = await context.logs.read(project, functionPath, tail !== undefined && tail >= 0 ? { tail: Math.max(tail, 1) } : {});
  // A path of no handler with no stored lines is a typo (or an API path without its method),
  // not a quiet function: waiting on it would show nothing forever. Lines of a handler that a
  // redeploy removed are still shown.
  if (entries.length === 0 && pending.length === 0 && !Object.hasOwn(live.deployment.files, functionPath)) {
    unsubscribe();
    throw new LessError('function_not_found', unknownFunctionPath(project, functionPath, Object.keys(live.deployment.files)));
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  // A follower with nothing to show yet still learns at once that the stream is open.
  res.flushHeaders();
  if (tail !== 0) entries.forEach(write);
  pending.forEach(write);
  streaming = true;
  if (!follow) res.end();
}

/** At most this many function paths are listed in an error. */
const LISTED_PATHS = 20;

function unknownFunctionPath(project: string, functionPath: string, paths: string[]): string {
  const missing = `project "${project}" has no handler at ${functionPath} and no log lines for it`;
  if (paths.length === 0) return `${missing} — it has no handlers at all (only handlers under less/ write function logs)`;
  // `apis/demo/hello` names a route; its handlers are `apis/demo/hello/<method>`.
  const below = paths.filter((path) => path.startsWith(`${functionPath}/`));
  const listed = (below.length > 0 ? below : paths).sort();
  return `${missing} — ${below.length > 0 ? 'handlers under it' : 'its function paths'}: ${nameList(listed, LISTED_PATHS)}; pass one with --path`;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LessError('bad_request', 'the request body is not JSON — send {"root": "<absolute project folder>", "env": {}}');
  }
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}
