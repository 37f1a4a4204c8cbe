/**
 * One REST API invocation inside the executor: middlewares, then `process`, then the
 * response reduced to what goes on the wire (SPEC 2.1). Runs off the gateway thread so
 * that serialising a large JSON body never stalls other connections.
 */
import type { ApiRequest, ApiResponse } from '../protocol.js';
import type { HandlerModule } from './handler-module.js';

interface MutableResponse {
  statusCode?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** `request.headers.Accept` and `request.headers.accept` both work, as on Less. */
export function caseInsensitiveHeaders(headers: Record<string, string>): Record<string, string> {
  const byLowerName = new Map(Object.keys(headers).map((name) => [name.toLowerCase(), name]));
  return new Proxy(headers, {
    get(target, property, receiver) {
      if (typeof property === 'string' && !(property in target)) {
        const name = byLowerName.get(property.toLowerCase());
        if (name !== undefined) return target[name];
      }
      return Reflect.get(target, property, receiver);
    },
    has(target, property) {
      return typeof property === 'string' ? byLowerName.has(property.toLowerCase()) || property in target : property in target;
    },
  });
}

export async function runApi(handler: HandlerModule, wireRequest: ApiRequest): Promise<ApiResponse> {
  const request: Record<string, unknown> = { ...wireRequest, headers: caseInsensitiveHeaders(wireRequest.headers) };
  let response: MutableResponse = { statusCode: 200, headers: {}, body: '' };

  for (const middleware of handler.middlewares) {
    let calledNext = false;
    await middleware(request, response, () => {
      calledNext = true;
    });
    // A middleware that does not call next() ends the request with the response as it is.
    if (!calledNext) return toWire(response);
  }
  const returned = (await handler.process(request, response)) as MutableResponse | undefined;
  if (returned !== undefined && returned !== null && typeof returned === 'object') response = returned;
  return toWire(response);
}

/** An HTTP token (RFC 9110): what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may not hold, as Node checks it: line breaks and other control characters, or characters past Latin-1. */
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** The same wording as the Python executor's (openless_worker/invocations.py). */
function headerText(name: string, value: unknown): string {
  const text = String(value);
  if (INVALID_HEADER_VALUE.test(text)) {
    throw new TypeError(`response.headers[${JSON.stringify(name)}] holds a line break, a control character or a character past Latin-1, which an HTTP header cannot carry — remove it, or encode the value (e.g. encodeURIComponent)`);
  }
  return text;
}

function toWire(response: MutableResponse): ApiResponse {
  const statusCode = Number(response.statusCode ?? 200);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new Error(`response.statusCode must be an integer from 100 to 599 (got ${String(response.statusCode)})`);
  }
  const headers: Record<string, string | string[]> = {};
  if (response.headers && typeof response.headers === 'object') {
    for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (!HEADER_NAME.test(name)) {
        throw new TypeError(`response.headers[${JSON.stringify(name)}]: a header name is letters, digits and !#$%&'*+-.^_\`|~ only — rename the header`);
      }
      headers[name] = Array.isArray(value) ? value.map((item) => headerText(name, item)) : headerText(name, value);
    }
  }
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const body = response.body;
  if (body === undefined || body === null) return { statusCode, headers, body: '' };
  if (typeof body === 'string') return { statusCode, headers, body };
  if (body instanceof Uint8Array) return { statusCode, headers, body };
  if (typeof body === 'number' || typeof body === 'boolean') return { statusCode, headers, body: String(body) };
  if (!hasContentType) headers['Content-Type'] = 'application/json';
  return { statusCode, headers, body: JSON.stringify(body) };
}
