/**
 * REST APIs (SPEC 2.1): routing, CORS, body limit, and the error contract —
 * 404 unknown path, 405 with `Allow`, 413 over the limit, 500 with only a request id,
 * 504 on timeout.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_VERBS, type HttpVerb, type Route } from '../project/types.js';
import type { ApiResponse } from '../runtime/protocol.js';
import type { LiveProject } from '../server/live-project.js';
import { nameList } from '../errors.js';
import { clientHeaders, queryObject, sendJson } from './http-reply.js';
import type { RouteTable } from './routes.js';

export interface ApiLimits {
  maxBodyBytes: number;
}

export const defaultApiLimits: ApiLimits = { maxBodyBytes: 6 * 1024 * 1024 };

/** Sent by every API answer, as Less does; the functions API sends it too. */
export const CORS = { 'Access-Control-Allow-Origin': '*' };

export async function serveApi(
  req: IncomingMessage,
  res: ServerResponse,
  live: LiveProject,
  apiName: string,
  routePath: string,
  search: string,
  limits: ApiLimits,
): Promise<void> {
  const table = live.routes.get(apiName);
  const segments = decodeSegments(routePath);
  const match = segments && table?.match(segments);
  if (!match) {
    return sendJson(res, 404, { error: 'Not Found', message: noRouteMessage(apiName, routePath || '/', table) }, CORS);
  }
  const allowed = allowedVerbs(match.route);
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'OPTIONS') return preflight(req, res, allowed);
  const handler = match.route.verbs[method.toLowerCase() as HttpVerb];
  if (!handler) {
    return sendJson(res, 405, { error: 'Method Not Allowed', message: `${method} is not handled here; allowed: ${allowed.join(', ')}` }, { ...CORS, Allow: allowed.join(', ') });
  }
  const body = await readBody(req, limits.maxBodyBytes);
  if (body === undefined) {
    return sendJson(res, 413, { error: 'Payload Too Large', message: `the request body is over ${limits.maxBodyBytes} bytes` }, CORS);
  }
  const request = { method, path: routePath || '/', params: match.params, query: queryObject(search), headers: clientHeaders(req), body };
  const outcome = await live.invoker.invoke(handler.functionPath, { kind: 'api', request });
  if (!outcome.ok) {
    if (outcome.failure.kind === 'timeout') return sendJson(res, 504, { error: 'Gateway Timeout', request_id: outcome.requestId }, CORS);
    return sendJson(res, 500, { error: 'Internal Server Error', request_id: outcome.requestId }, CORS);
  }
  const response = outcome.value as ApiResponse;
  const headers = { ...CORS, ...response.headers };
  // HEAD-less verbs only, but a 204/304 must still carry no body.
  const sendsBody = response.statusCode !== 204 && response.statusCode !== 304;
  try {
    res.writeHead(response.statusCode, sendsBody ? withTextType(headers, response.body) : headers);
  } catch {
    // The executors check the headers a handler sets, with a message in its log; whatever Node
    // still refuses gets the same answer as a handler that threw.
    return sendJson(res, 500, { error: 'Internal Server Error', request_id: outcome.requestId }, CORS);
  }
  res.end(sendsBody ? response.body : undefined);
}

/** Routes listed in a 404 at most; an API can have hundreds. */
const LISTED_ROUTES = 12;

/**
 * Says why nothing matched and what would: the same path without its trailing slash or in
 * another case, else the API's routes.
 */
function noRouteMessage(apiName: string, routePath: string, table: RouteTable | undefined): string {
  const head = `no route ${routePath} in API "${apiName}"`;
  if (!table) return head;
  const near = [routePath.replace(/\/+$/, '') || '/', routePath.toLowerCase()].find((path) => path !== routePath && matches(table, path));
  if (near !== undefined) return `${head}; did you mean ${near}?`;
  const routes = table.routes.map((route) => `${route.pattern} (${allowedVerbs(route).join(', ')})`);
  return `${head} (routes: ${nameList(routes, LISTED_ROUTES)})`;
}

/** `GET`, `POST`, …: the verbs a route has handlers for. */
function allowedVerbs(route: Route): string[] {
  return HTTP_VERBS.filter((verb) => route.verbs[verb]).map((verb) => verb.toUpperCase());
}

function matches(table: RouteTable, path: string): boolean {
  const segments = decodeSegments(path);
  return segments !== undefined && table.match(segments) !== undefined;
}

function withTextType(headers: ApiResponse['headers'], body: string | Uint8Array): ApiResponse['headers'] {
  if (body.length === 0 || Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) return headers;
  return { ...headers, 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream' };
}

export function preflight(req: IncomingMessage, res: ServerResponse, allowed: string[]): void {
  res.writeHead(204, {
    ...CORS,
    'Access-Control-Allow-Methods': [...allowed, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

/** `/items/a%20b` → `['items', 'a b']`; a malformed escape matches no route. */
function decodeSegments(routePath: string): string[] | undefined {
  if (routePath === '' || routePath === '/') return [];
  try {
    return routePath.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** The body as text, or `undefined` when it exceeds the limit (the rest is discarded). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}
