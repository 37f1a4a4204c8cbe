/** Type definitions of the Less SDK as OpenLess provides it to handlers. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface KeyValueStore {
  /** The value, or `null` when absent or expired. */
  get<T = JsonValue>(key: string): Promise<T | null>;
  /** Stores any JSON-serialisable value; `ttl` is whole seconds until expiry. */
  set(key: string, value: unknown, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SocketClient {
  /** Sends `JSON.stringify(message)` to each listed connection open on this socket. */
  publish(message: unknown, connectionIds: string[]): Promise<void>;
}

export const kvs: KeyValueStore;
export const sockets: Record<string, SocketClient>;
export const topics: Record<string, { publish(message: unknown): Promise<void> }>;
/**
 * `functions.<name>(payload)` runs the project's function `less/functions/<name>` (in any
 * language) with the payload as JSON and resolves with its JSON result; it rejects with the
 * function's error message when the function throws (`error.code` is `function_error`).
 */
export const functions: Record<string, <T = JsonValue>(payload?: unknown) => Promise<T>>;
export interface FileUrlOptions {
  /** Whole seconds the URL stays valid, 1 to 604800 (7 days); default 3600. */
  expires_in?: number;
}

export interface FileStorage {
  /**
   * A URL on this server that accepts one `PUT` of the file's bytes (stored at `path`,
   * replacing any file there). `path` is relative, e.g. `avatars/42.png`: no leading `/`,
   * no `.` or `..` segment, no backslash, at most 1024 bytes.
   */
  create_upload_url(path: string, options?: FileUrlOptions): Promise<string>;
  /** A URL to `GET` the file. Files under `public/` are also readable without a signature. */
  get_url(path: string, options?: FileUrlOptions): Promise<string>;
}

export const files: FileStorage;
