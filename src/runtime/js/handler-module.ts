/** Normalises the shapes a Less handler module may export (SPEC section 2). */

export type Middleware = (request: unknown, response: unknown, next: () => unknown) => unknown;

export interface HandlerModule {
  process: (...args: unknown[]) => unknown;
  middlewares: Middleware[];
}

/**
 * `exports.process = …` and `export const process` arrive as a named export;
 * `module.exports = { process, middlewares }` may arrive only as `default`
 * when Node's CommonJS export detection cannot see through the object.
 */
export function toHandlerModule(namespace: Record<string, unknown>, functionPath: string): HandlerModule {
  const fallback = (namespace.default ?? {}) as Record<string, unknown>;
  const processFn = typeof namespace.process === 'function' ? namespace.process : fallback.process;
  if (typeof processFn !== 'function') {
    throw new Error(`${functionPath}: the handler does not export a "process" function — add \`exports.process = async (...) => {}\` (or \`export const process = …\`)`);
  }
  const middlewares = namespace.middlewares ?? fallback.middlewares ?? [];
  if (!Array.isArray(middlewares) || middlewares.some((m) => typeof m !== 'function')) {
    throw new Error(`${functionPath}: "middlewares" must be an array of functions (request, response, next) => …`);
  }
  return { process: processFn as HandlerModule['process'], middlewares: middlewares as Middleware[] };
}
