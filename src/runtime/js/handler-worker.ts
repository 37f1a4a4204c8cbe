/**
 * Runs inside a worker thread: one warm "function instance" of a deployed project.
 * Loads handler modules on first use and keeps them (module state survives between
 * invocations, as on a warm Lambda), runs invocations, and speaks the batched
 * protocol of ../protocol.ts with the gateway.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { AsyncLocalStorage } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { ApiResponse, FromExecutor, HostCall, Invocation, SerializedError, ToExecutor } from '../protocol.js';
import { InvocationLogs, type InvocationLog } from './invocation-logs.js';
import { caseInsensitiveHeaders, runApi } from './api-invocation.js';
import type { HandlerModule } from './handler-module.js';
import { toHandlerModule } from './handler-module.js';
import { CONTROL_CHARACTER, decodeToExecutor, encodeFromExecutor, type WireBatch } from './js-wire.js';
import { Outbox } from '../outbox.js';
import { IdTable } from '../id-table.js';
import { lowerThreadPriority, scheduleThreadAsBatch } from '../priority.js';
import { nameList } from '../../errors.js';

export interface JsWorkerData {
  project: string;
  /** The deployment's folder (the copy under $LESS_HOME): stacks name its files as `less/…`. */
  dir: string;
  /** functionPath → absolute file to import. */
  files: Record<string, string>;
  sockets: string[];
  /** The largest message `publish` sends, in UTF-8 bytes of its JSON (SocketLimits.maxBufferedBytes). */
  maxPublishBytes: number;
  env: Record<string, string>;
  /** Where this instance posts its log chunks, as `LogChunk[]` (the log store's thread). */
  logPort: MessagePort;
  /** Nice steps below the server's priority this thread runs at (../priority.ts). */
  niceIncrement: number;
  /** This thread runs under the batch policy (../priority.ts). */
  batchPolicy: boolean;
}

const data = workerData as JsWorkerData;
const port = parentPort!;

lowerThreadPriority(data.niceIncrement);
// Before the environment is replaced below: `chrt` is found on the server's PATH.
if (data.batchPolicy) scheduleThreadAsBatch();

// A TypeScript handler runs as the JavaScript deploy built from it, with a source map inline
// (deploy/build.ts): stacks then name the .ts file and its lines, as the user wrote them.
process.setSourceMapsEnabled(true);

/**
 * `process.exit()` in user code fails the invocation that called it instead of ending the
 * instance, as `sys.exit()` does in a Python handler: an instance runs other invocations too,
 * and ending it would lose them, with the results and logs of those it had just finished.
 */
const exitInstance = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  throw new Error(
    `process.exit(${code ?? ''}) was called: a handler's instance also runs other invocations, so OpenLess fails this invocation instead of ending it; return from the handler (or throw) to end an invocation`,
  );
}) as typeof process.exit;

// Handlers see the deployment's variables, not the server's environment (SPEC 2.5).
for (const key of Object.keys(process.env)) delete process.env[key];
Object.assign(process.env, data.env);

// ---- batching ---------------------------------------------------------------
// Results, publishes and host calls leave once per turn of the event loop (latency);
// logs leave on their own timer (invocation-logs.ts).
/** An API result with a Buffer body is in the outbox: the batch cannot travel as JSON. */
let outboxHoldsBytes = false;
const outbox = new Outbox<FromExecutor>((batch) => {
  port.postMessage(encodeFromExecutor(batch, outboxHoldsBytes));
  outboxHoldsBytes = false;
});

function send(message: FromExecutor): void {
  outbox.push(message);
}

// ---- logs: every line is attributed to its invocation ------------------------
const logs = new InvocationLogs(data.project, data.logPort);

interface InvocationContext {
  requestId: string;
  functionPath: string;
  log?: InvocationLog;
}
const current = new AsyncLocalStorage<InvocationContext>();
const loading: InvocationContext = { requestId: '-', functionPath: '-' };
/**
 * The invocation whose handler is running synchronously right now, if any: most lines are
 * written there, and this spares them AsyncLocalStorage's lookup. Lines written after an
 * `await` or in a callback find their invocation through `current`.
 */
let runningNow: InvocationContext | undefined;

function capture(level: 'info' | 'warn' | 'error') {
  return (...args: unknown[]): void => {
    const context = runningNow ?? current.getStore() ?? loading;
    const message = args.length === 1 && typeof args[0] === 'string' ? args[0] : formatArgs(args);
    if (context.log) context.log.write(level, message);
    else logs.stray(context.functionPath, level, message);
  };
}
/** What console prints for these arguments; an error among them names its files as stackText does. */
function formatArgs(args: unknown[]): string {
  const text = format(...args);
  return args.some((arg) => arg instanceof Error) ? inProjectPaths(text) : text;
}

console.log = capture('info');
console.info = capture('info');
console.debug = capture('info');
console.trace = capture('info');
console.warn = capture('warn');
console.error = capture('error');

// ---- host calls (the SDK) ---------------------------------------------------
let nextCallId = 1;
const pendingCalls = new IdTable<{ resolve: (value: unknown) => void; reject: (error: Error) => void }>();

function call(hostCall: HostCall): Promise<unknown> {
  const id = nextCallId++;
  // A function call names the invocation making it: the server bounds nesting by it (docs/functions.md).
  const message = hostCall.op === 'functions.call' ? { ...hostCall, caller: current.getStore()?.requestId } : hostCall;
  return new Promise((resolve, reject) => {
    pendingCalls.set(id, { resolve, reject });
    send({ t: 'call', id, call: message });
  });
}

function hostError(error: SerializedError): Error {
  const result = new Error(error.message) as Error & { code?: string };
  if (error.code) result.code = error.code;
  return result;
}

const socketNames = new Set(data.sockets);

/** What every publish returns: one settled promise, as each new promise costs an AsyncLocalStorage hook. */
const published = Promise.resolve();

/** What `@chuva.io/less` reaches through `globalThis[Symbol.for('openless.host')]`. */
const host = {
  project: data.project,
  call,
  publish(socket: string, message: unknown, ids: unknown): Promise<void> {
    if (!socketNames.has(socket)) {
      return Promise.reject(new Error(`sockets.${socket}.publish: project "${data.project}" has no socket "${socket}" (sockets: ${nameList(data.sockets)}); add less/sockets/${socket}/ or fix the name`));
    }
    if (!Array.isArray(ids)) {
      return Promise.reject(new TypeError(`sockets.${socket}.publish: the second argument must be an array of connection ids, e.g. [connection_id]`));
    }
    let messageJson: string | undefined;
    try {
      messageJson = JSON.stringify(message);
    } catch (error) {
      return Promise.reject(new TypeError(`sockets.${socket}.publish: the message must be JSON-serialisable (${(error as Error).message})`));
    }
    if (messageJson === undefined) {
      return Promise.reject(new TypeError(`sockets.${socket}.publish: the message must be JSON-serialisable (got ${typeof message})`));
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most messages skip counting theirs.
    if (messageJson.length * 3 > data.maxPublishBytes) {
      const bytes = Buffer.byteLength(messageJson);
      if (bytes > data.maxPublishBytes) return Promise.reject(new RangeError(publishTooLarge(socket, bytes, data.maxPublishBytes)));
    }
    // Ids that are not strings, or hold control characters, name no connection: skipped like any unknown id.
    const connectionIds = ids.filter((id): id is string => typeof id === 'string' && !CONTROL_CHARACTER.test(id));
    send({ t: 'publish', socket, messageJson, ids: connectionIds });
    return published;
  },
};
(globalThis as Record<symbol, unknown>)[Symbol.for('openless.host')] = host;

/** The same wording as the Python SDK's (openless_worker/host.py). */
function publishTooLarge(socket: string, bytes: number, limit: number): string {
  return `sockets.${socket}.publish: the message is ${bytes} bytes as JSON, more than the ${limit} bytes a connection may have unsent (LESS_WS_MAX_BUFFERED_BYTES), so every client it went to would be closed as too slow — send it in smaller parts, or raise LESS_WS_MAX_BUFFERED_BYTES on the server`;
}

// ---- handler modules ----------------------------------------------------------
const modules = new Map<string, Promise<HandlerModule>>();
/** The modules of `modules` that have finished loading. */
const loadedModules = new Map<string, HandlerModule>();

function loadModule(functionPath: string): Promise<HandlerModule> {
  let loaded = modules.get(functionPath);
  if (!loaded) {
    const file = data.files[functionPath];
    if (!file) return Promise.reject(new Error(`no handler deployed at ${functionPath}`));
    loaded = current.run({ requestId: '-', functionPath }, () => import(pathToFileURL(file).href)).then((namespace: Record<string, unknown>) => {
      const module = toHandlerModule(namespace, functionPath);
      loadedModules.set(functionPath, module);
      return module;
    });
    // A module that failed to load is retried on the next invocation, like a cold start.
    loaded.catch(() => modules.delete(functionPath));
    modules.set(functionPath, loaded);
  }
  return loaded;
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { message: error.message, stack: stackText(error.stack), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: `non-error thrown: ${format(error)}` };
}

/** How the deployment's files appear in stack frames: ES modules by URL, CommonJS by path. */
const DEPLOYED_PREFIXES = [`${pathToFileURL(data.dir).href}/`, `${data.dir}/`];

/**
 * A stack as the log shows it: the handler's frames name its files as in the project
 * (`less/apis/demo/hello/post.js:3:9`, clickable from the project root) instead of the
 * deployed copy under $LESS_HOME, and OpenLess's own frames under the handler's are left out.
 */
function stackText(stack: string | undefined): string | undefined {
  return stack === undefined ? undefined : inProjectPaths(withoutRuntimeFrames(stack));
}

/** `file:///…/projects/p/v/less/x.js:3:9` → `less/x.js:3:9`: the deployment's files as in the project. */
function inProjectPaths(text: string): string {
  for (const prefix of DEPLOYED_PREFIXES) if (text.includes(prefix)) text = text.split(prefix).join('');
  return text;
}

/** Where this runtime's own files are: frames there are OpenLess calling the handler. */
const RUNTIME_FILES = new URL('../../', import.meta.url).href;

/**
 * A stack without the frames under the handler's that are OpenLess's own (`runHandler`,
 * `AsyncLocalStorage.run`, …): they are the same for every error and say nothing about the
 * handler, and a Python traceback has none either. Frames above the handler's stay.
 */
function withoutRuntimeFrames(stack: string): string {
  const lines = stack.split('\n');
  let end = lines.length;
  while (end > 1 && /^\s+at /.test(lines[end - 1]!) && (lines[end - 1]!.includes(RUNTIME_FILES) || lines[end - 1]!.includes('(node:async_hooks:'))) end--;
  return end === lines.length ? stack : lines.slice(0, end).join('\n');
}

// ---- sequences: a connection's frames run one at a time, in order (executor.ts) ------
type InvokeMessage = Extract<ToExecutor, { t: 'invoke' }>;

/**
 * Sequenced invocations that have not settled (nor been released after a timeout), started
 * or waiting, each with the invocation waiting to start right after it once that has arrived
 * (`false` until then).
 */
const holding = new IdTable<InvokeMessage | false>();

/** An invocation arrives: it starts now, unless the one ahead of it in its sequence has not ended. */
function accept(message: InvokeMessage): void {
  const { after } = message;
  if (after === undefined) return invoke(message);
  holding.set(message.id, false);
  if (after !== 0 && holding.has(after)) holding.set(after, message);
  else invoke(message);
}

/** Invocation `id` settled or was released: the one waiting behind it starts. */
function proceed(id: number): void {
  if (!holding.has(id)) return;
  const next = holding.get(id);
  holding.delete(id);
  if (next) invoke(next);
}

/**
 * Runs one invocation and sends its result. Not an async function: while AsyncLocalStorage
 * is in use every promise runs a hook, so a handler that returns a value settles with no
 * promise of ours, and one that returns a promise costs a single `then`.
 */
function invoke(message: InvokeMessage): void {
  const { id, requestId, functionPath, invocation } = message;
  const log = logs.open(requestId, functionPath);
  const started = performance.now();
  log.write('start', '');
  const end = (): void => log.write('end', `${(performance.now() - started).toFixed(2)} ms`, true);
  const fail = (error: unknown): void => {
    const serialized = serializeError(error);
    log.write('error', serialized.stack ?? serialized.message);
    send({ t: 'result', id, ok: false, error: serialized });
    end();
    proceed(id);
  };
  const succeed = (value: unknown): void => {
    let result: unknown;
    try {
      // An API response is built by runApi; anything else a handler returns must be data.
      result = invocation.kind === 'api' ? value : toCloneable(value);
    } catch (error) {
      return fail(error);
    }
    if (invocation.kind === 'api' && (result as ApiResponse).body instanceof Uint8Array) outboxHoldsBytes = true;
    send({ t: 'result', id, ok: true, value: result });
    end();
    proceed(id);
  };
  const run = (handler: HandlerModule): void => {
    let returned: unknown;
    let thenable: boolean;
    try {
      const context = { requestId, functionPath, log };
      runningNow = context;
      try {
        returned = current.run(context, runHandler, handler, invocation);
      } finally {
        runningNow = undefined;
      }
      // Inside the try: a returned object's `then` may be a getter that throws.
      thenable = typeof (returned as { then?: unknown } | null)?.then === 'function';
    } catch (error) {
      return fail(error);
    }
    if (thenable) Promise.resolve(returned).then(succeed, fail);
    else succeed(returned);
  };
  const handler = loadedModules.get(functionPath);
  if (handler) run(handler);
  else loadModule(functionPath).then(run, fail);
}

/** Calls the handler for one invocation: its result, or a promise of it. */
function runHandler(handler: HandlerModule, invocation: Invocation): unknown {
  switch (invocation.kind) {
    case 'api':
      return runApi(handler, invocation.request);
    case 'connect':
      return handler.process({ ...invocation.event, headers: caseInsensitiveHeaders(invocation.event.headers) });
    case 'event':
      return handler.process(invocation.payload);
    case 'cron':
      return handler.process();
  }
}

/** Results cross the thread boundary as JSON data: functions, class instances and cycles are not data. */
function toCloneable(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return value;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

port.on('message', (wire: WireBatch<ToExecutor>) => {
  for (const message of decodeToExecutor(wire)) {
    switch (message.t) {
      case 'invoke':
        accept(message);
        break;
      case 'release':
        proceed(message.id);
        break;
      case 'reply': {
        const pending = pendingCalls.get(message.id);
        if (!pending) break;
        pendingCalls.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(hostError(message.error));
        break;
      }
      case 'ping':
        send({ t: 'pong', id: message.id });
        break;
      case 'retire':
        // Every invocation has settled: hand over the last logs, then end this instance.
        logs.flush();
        port.close();
        data.logPort.close();
        exitInstance(0);
    }
  }
});

// A throw from a timer callback in user code must not take the instance down either.
process.on('uncaughtException', (error) => {
  const context = current.getStore() ?? loading;
  logs.stray(context.functionPath, 'error', `Uncaught exception: ${stackText(error.stack) ?? error.message}`);
});

// An unhandled rejection inside user code must not take the instance down (Node's default).
process.on('unhandledRejection', (reason) => {
  const context = current.getStore() ?? loading;
  logs.stray(context.functionPath, 'error', `Unhandled promise rejection: ${reason instanceof Error ? stackText(reason.stack) : format(reason)}`);
});
