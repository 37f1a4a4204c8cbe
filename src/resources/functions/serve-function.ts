/**
 * The functions REST API (SPEC 4): `POST <project base>/functions/<name>` with a JSON body runs
 * the function with that payload and answers its JSON result. The error contract is the
 * APIs' (api-gateway.ts): 404 unknown function, 405 with `Allow: POST`, 413 over the body
 * limit, 400 for a body that is not JSON, 500 with only a request id when the function
 * throws (the stack is in its log), 504 on timeout; CORS as every API, except that any
 * OPTIONS under /functions/ is a preflight (204), even for an unknown name.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS, preflight, readBody, type ApiLimits } from '../../gateway/api-gateway.js';
import { sendJson } from '../../gateway/http-reply.js';
import type { LiveProject } from '../../server/live-project.js';

export async function serveFunction(req: IncomingMessage, res: ServerResponse, live: LiveProject, name: string, rest: string[], limits: ApiLimits): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  // The preflight first, whatever the name: browsers report a preflight that is not 2xx as a
  // CORS failure, hiding the 404 that the POST itself gets (with CORS headers) below.
  if (method === 'OPTIONS') return preflight(req, res, ['POST']);
  // `/functions/add/` is `/functions/add`; anything deeper is not a function URL.
  if (!live.functions.has(name)) return sendJson(res, 404, { error: 'Not Found', message: live.functions.unknown(name) }, CORS);
  if (rest.some((segment) => segment !== '')) return sendJson(res, 404, { error: 'Not Found', message: `nothing at /functions/${name}/${rest.join('/')}` }, CORS);
  if (method !== 'POST') {
    return sendJson(res, 405, { error: 'Method Not Allowed', message: `call a function with POST and a JSON body (got ${method})` }, { ...CORS, Allow: 'POST' });
  }
  const body = await readBody(req, limits.maxBodyBytes);
  if (body === undefined) {
    return sendJson(res, 413, { error: 'Payload Too Large', message: `the request body is over ${limits.maxBodyBytes} bytes` }, CORS);
  }
  let payload: unknown = null;
  // No body at all is a call without a payload (`null`), so `curl -X POST <url>` works.
  if (body.trim() !== '') {
    try {
      payload = JSON.parse(body);
    } catch (error) {
      return sendJson(res, 400, { error: 'Bad Request', message: `the request body must be JSON (${(error as Error).message})` }, CORS);
    }
  }
  const outcome = await live.functions.invoke(name, payload);
  if (!outcome.ok) {
    if (outcome.failure.kind === 'timeout') return sendJson(res, 504, { error: 'Gateway Timeout', request_id: outcome.requestId }, CORS);
    return sendJson(res, 500, { error: 'Internal Server Error', request_id: outcome.requestId }, CORS);
  }
  // A function that returns nothing (undefined / None) answers `null`: the body is always JSON.
  return sendJson(res, 200, outcome.value ?? null, CORS);
}
