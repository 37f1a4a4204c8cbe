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
export const functions: Record<string, (payload?: unknown) => Promise<unknown>>;
export const files: {
  create_upload_url(path: string, options?: { expires_in?: number }): Promise<string>;
  get_url(path: string, options?: { expires_in?: number }): Promise<string>;
};
