/**
 * Server tunables. Defaults follow the SPEC; each can be changed with an environment
 * variable of the server process (documented in docs/configuration.md) or, in tests,
 * passed to startServer directly.
 */
import { defaultApiLimits, type ApiLimits } from '../gateway/api-gateway.js';
import { defaultSocketLimits, type SocketLimits } from '../gateway/socket-gateway.js';
import type { ExecutorOptions } from '../runtime/executor.js';
import { defaultRetryPolicy, type RetryPolicy } from '../resources/topics/backoff.js';
import { availableParallelism } from 'node:os';

export interface ServerTunables {
  executor: ExecutorOptions;
  sockets: SocketLimits;
  apis: ApiLimits;
  topics: RetryPolicy;
  kvs: { sweepIntervalMs: number };
}

/** A number set in the environment (undefined when unset); a value `accepts` refuses is an error that says what to give instead. */
function numberFrom(env: NodeJS.ProcessEnv, name: string, accepts: (value: number) => boolean, expected: string, example: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!accepts(value)) throw new Error(`${name}=${raw} is not ${expected} — unset it or give e.g. ${name}=${example}`);
  return value;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, scale = 1): number {
  const value = numberFrom(env, name, (v) => Number.isFinite(v) && v > 0, 'a positive number', `${fallback / scale}`);
  return value === undefined ? fallback : Math.round(value * scale);
}

/** A whole number of nice steps, 0 (none) to 19 (the lowest priority). */
function niceSteps(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const expected = 'a whole number from 0 to 19';
  const example = `${fallback} (0 runs handlers at the server's own priority)`;
  return numberFrom(env, name, (v) => Number.isInteger(v) && v >= 0 && v <= 19, expected, example) ?? fallback;
}

/** The scheduling policy of handler executors: `batch` (the default) or `normal`. */
function batchPolicy(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'batch') return true;
  if (raw === 'normal') return false;
  throw new Error(`${name}=${raw} is not batch or normal — unset it or give e.g. ${name}=batch (normal lets a woken handler take the CPU of the thread that holds the connections)`);
}

export function tunablesFromEnv(env: NodeJS.ProcessEnv = process.env): ServerTunables {
  return {
    executor: {
      timeoutMs: positive(env, 'LESS_HANDLER_TIMEOUT', 30_000, 1000),
      maxInstances: positive(env, 'LESS_INSTANCES', Math.max(2, availableParallelism())),
      niceIncrement: niceSteps(env, 'LESS_HANDLER_NICE', 5),
      batchPolicy: batchPolicy(env, 'LESS_HANDLER_POLICY'),
    },
    sockets: {
      maxPayloadBytes: positive(env, 'LESS_WS_MAX_MESSAGE_BYTES', defaultSocketLimits.maxPayloadBytes),
      pingIntervalMs: positive(env, 'LESS_WS_PING_INTERVAL', defaultSocketLimits.pingIntervalMs, 1000),
      maxBufferedBytes: positive(env, 'LESS_WS_MAX_BUFFERED_BYTES', defaultSocketLimits.maxBufferedBytes),
      maxQueuedFrames: defaultSocketLimits.maxQueuedFrames,
    },
    apis: { maxBodyBytes: defaultApiLimits.maxBodyBytes },
    topics: {
      baseMs: positive(env, 'LESS_TOPIC_RETRY_BASE', defaultRetryPolicy.baseMs, 1000),
      maxMs: positive(env, 'LESS_TOPIC_RETRY_MAX', defaultRetryPolicy.maxMs, 1000),
      retentionMs: positive(env, 'LESS_TOPIC_RETENTION', defaultRetryPolicy.retentionMs, 1000),
    },
    kvs: { sweepIntervalMs: positive(env, 'LESS_KVS_SWEEP_INTERVAL', 10_000, 1000) },
  };
}
