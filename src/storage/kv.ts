/**
 * The key-value store every project gets (SPEC 2.3), as an engine-neutral interface.
 * Engines: sqlite/kv.ts (embedded) and, later, redis/. Both run the same behavioural
 * suite, test/storage/kv-contract.mjs.
 *
 * Invariants every engine keeps:
 * - Data is per project: the same key in two projects is two items.
 * - `get` returns the stored value, or `null` when the key is absent or expired. An item
 *   whose expiry time has passed (by the injected clock) is never returned, even if no
 *   sweep has removed it yet. A stored `null` and an absent key look the same.
 * - Every JSON value round-trips unchanged, including `0`, `false`, `''` and `null`.
 * - `set` without a ttl stores an item that never expires (and clears an earlier ttl).
 * - Arguments are checked with the functions below, and nothing else, so the rules and
 *   their wording exist once; a violation rejects with a LessError (`kvs_*` code).
 */
import { LessError } from '../errors.js';

/** Milliseconds since the epoch. Injected so tests advance time instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface KeyValueStore {
  get(project: string, key: string): Promise<unknown>;
  set(project: string, key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  delete(project: string, key: string): Promise<void>;
  deleteProject(project: string): Promise<void>;
  close(): Promise<void>;
}

export const MAX_KEY_BYTES = 1024;
export const MAX_VALUE_BYTES = 400 * 1024;

/** Returns the key unchanged, or throws `kvs_invalid_key`. `operation` prefixes the message. */
export function validateKey(key: unknown, operation = 'kvs.set'): string {
  const rule = `${operation}: key must be a non-empty string of at most ${MAX_KEY_BYTES} bytes`;
  if (typeof key !== 'string') {
    throw new LessError('kvs_invalid_key', `${rule} (got ${describe(key)})`);
  }
  if (key.length === 0) throw new LessError('kvs_invalid_key', `${rule} (got an empty string)`);
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new LessError('kvs_invalid_key', `${rule} (got a string of ${bytes} bytes)`);
  }
  // A lone surrogate cannot be stored as UTF-8: it would become U+FFFD, so two different
  // keys could silently share one item. (In `u` mode a valid pair never matches \p{Cs}.)
  if (/\p{Cs}/u.test(key)) {
    throw new LessError('kvs_invalid_key', `${operation}: key must be valid Unicode text (it contains a lone surrogate)`);
  }
  return key;
}

/**
 * JSON text of the value, or throws. Follows JSON.stringify (toJSON is honoured, an
 * `undefined` property is left out as usual), except that what JSON would silently
 * lose or cannot encode is refused with `kvs_invalid_value`: a top-level `undefined`,
 * functions and symbols anywhere, BigInt, and cycles.
 */
export function serializeValue(value: unknown, operation = 'kvs.set'): string {
  const fix = 'store plain JSON data: objects, arrays, strings, numbers, booleans or null';
  let json: string | undefined;
  try {
    json = JSON.stringify(value, function (this: unknown, name: string, v: unknown) {
      const where = name === '' ? '' : ` at property "${name}"`;
      if (typeof v === 'function' || typeof v === 'symbol') {
        throw new LessError('kvs_invalid_value', `${operation}: value must be JSON-serialisable (found a ${typeof v}${where}); ${fix}`);
      }
      if (typeof v === 'bigint') {
        throw new LessError('kvs_invalid_value', `${operation}: value must be JSON-serialisable (found a BigInt${where}); convert it to a string or a number first`);
      }
      return v;
    });
  } catch (error) {
    if (error instanceof LessError) throw error;
    // JSON.stringify's only other failure is a cycle (or a throwing toJSON/getter).
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LessError('kvs_invalid_value', `${operation}: value must be JSON-serialisable (${reason}); remove circular references, ${fix}`);
  }
  if (json === undefined) {
    throw new LessError('kvs_invalid_value', `${operation}: value must be JSON-serialisable (got undefined); store null instead, or use kvs.delete to remove the key`);
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new LessError(
      'kvs_value_too_large',
      `${operation}: value must be at most ${MAX_VALUE_BYTES} bytes (400 KiB) once serialised as JSON (got ${bytes} bytes); split it across several keys or keep large data in files`,
    );
  }
  return json;
}

/** Whole seconds > 0, or undefined for "no expiry" (null/undefined); else `kvs_invalid_ttl`. */
export function validateTtl(ttl: unknown, operation = 'kvs.set'): number | undefined {
  if (ttl === undefined || ttl === null) return undefined;
  // isSafeInteger(ttl * 1000) keeps the expiry time in milliseconds exact.
  if (typeof ttl === 'number' && Number.isInteger(ttl) && ttl > 0 && Number.isSafeInteger(ttl * 1000)) return ttl;
  throw new LessError(
    'kvs_invalid_ttl',
    `${operation}: ttl must be a whole number of seconds greater than 0, or left out for no expiry (got ${describe(ttl)})`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
