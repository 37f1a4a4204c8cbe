/**
 * Cloud functions of one deployment (SPEC 2.5, docs/functions.md): `functions.<name>(payload)`
 * from a handler (the `functions.call` host call) and `POST <project>/functions/<name>`
 * (serve-function.ts) both run the function here, through the deployment's invoker, as an
 * `event` invocation whose payload is the call's JSON value.
 *
 * The host call is answered asynchronously: the calling invocation waits for its promise
 * (JavaScript) or its thread waits for the reply (Python); other invocations keep running.
 *
 * Nesting is bounded. Each call names the request id of the invocation that made it; a
 * function invocation started here remembers its depth (1 for a call from any other
 * handler), and a call deeper than MAX_CALL_DEPTH is refused at once. Without the bound,
 * a function that calls itself forever would start thousands of invocations per second,
 * each alive until its own timeout (an async JavaScript handler cannot be stopped).
 */
import { LessError, nameList } from '../../errors.js';
import type { CloudFunction } from '../../project/types.js';
import type { Invoker, Outcome } from '../../runtime/invoker.js';
import { newRequestId } from '../../runtime/request-id.js';

/** Nested function calls allowed below a first one (a call at depth 33 is refused). */
export const MAX_CALL_DEPTH = 32;

/** The `functions.call` host call, as both SDKs send it. */
export interface FunctionCall {
  name: unknown;
  /** The payload as JSON text; absent for `functions.f()` from JavaScript (payload `undefined`). */
  payloadJson: unknown;
  /** Request id of the invocation that calls (set by the executor, not the SDK). */
  caller?: unknown;
}

export class CloudFunctions {
  private readonly byName: ReadonlyMap<string, CloudFunction>;
  /** Depth of each function invocation in flight that was started here. */
  private readonly depths = new Map<string, number>();

  constructor(
    private readonly project: string,
    functions: readonly CloudFunction[],
    private readonly invoker: Invoker,
  ) {
    this.byName = new Map(functions.map((fn) => [fn.name, fn]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** `project "p" has no function "x" (functions: a, b)` — shared by the SDK error and the REST 404. */
  unknown(name: string): string {
    return `project "${this.project}" has no function "${name}" (functions: ${nameList(this.byName.keys())}); add less/functions/${name}/ or fix the name`;
  }

  /** Runs a function that exists (check `has` first); a REST call has no caller. */
  async invoke(name: string, payload: unknown, caller?: string): Promise<Outcome> {
    const fn = this.byName.get(name)!;
    const depth = (caller === undefined ? 0 : (this.depths.get(caller) ?? 0)) + 1;
    const requestId = newRequestId();
    this.depths.set(requestId, depth);
    try {
      return await this.invoker.invoke(fn.handler.functionPath, { kind: 'event', payload }, requestId);
    } finally {
      this.depths.delete(requestId);
    }
  }

  /** The host call: resolves with the function's result, rejects with a LessError (docs/errors.md). */
  async call(call: FunctionCall): Promise<unknown> {
    const name = typeof call.name === 'string' ? call.name : String(call.name);
    if (!this.byName.has(name)) throw new LessError('function_not_found', `functions.${name}: ${this.unknown(name)}`);
    if (call.payloadJson !== undefined && typeof call.payloadJson !== 'string') {
      throw new LessError('function_invalid_payload', `functions.${name}: the payload must be JSON-serialisable`);
    }
    const caller = typeof call.caller === 'string' ? call.caller : undefined;
    const depth = caller === undefined ? 0 : (this.depths.get(caller) ?? 0);
    if (depth >= MAX_CALL_DEPTH) {
      throw new LessError(
        'function_call_depth',
        `functions.${name}: more than ${MAX_CALL_DEPTH} function calls are nested (a function calling itself without end?)`,
      );
    }
    const payload = call.payloadJson === undefined ? undefined : (JSON.parse(call.payloadJson) as unknown);
    const outcome = await this.invoke(name, payload, caller);
    if (outcome.ok) return outcome.value;
    const { failure } = outcome;
    // The caller sees the function's own message, never its stack: that is in the function's log.
    if (failure.kind === 'timeout') throw new LessError('function_timeout', `functions.${name}: ${failure.message} (request id ${outcome.requestId})`);
    if (failure.kind === 'lost') throw new LessError('function_error', `functions.${name}: ${failure.message} (request id ${outcome.requestId})`);
    throw new LessError('function_error', failure.message);
  }
}
