/**
 * Messages between the gateway (main thread) and a handler executor.
 *
 * Both sides batch: everything produced during one turn of the event loop travels
 * as one array in one postMessage, because the per-message cost of a thread hop
 * dominates a WebSocket echo. The Python runtime speaks the same messages over its
 * own framed channel (python/wire.ts adds what only a process needs).
 */

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Header names as the client sent them; the executor adds case-insensitive lookup. */
  headers: Record<string, string>;
  body: string;
}

export interface ApiResponse {
  statusCode: number;
  /** A list sends the header once per item (`Set-Cookie`). */
  headers: Record<string, string | string[]>;
  /** The body as it goes on the wire: text, or bytes when the handler set a Buffer. */
  body: string | Uint8Array;
}

export interface ConnectEvent {
  connection_id: string;
  query: Record<string, string>;
  /** As the client sent them; the executor adds case-insensitive lookup. */
  headers: Record<string, string>;
}

export type Invocation =
  | { kind: 'api'; request: ApiRequest }
  | { kind: 'connect'; event: ConnectEvent }
  /**
   * `frame`, for a channel handler: the WebSocket frame (JSON text) whose `data` the payload
   * carries, so that an executor can pass the text on instead of serialising the payload again.
   */
  | { kind: 'event'; payload: unknown; frame?: string }
  /** A cron tick: `process()` is called with no argument (SPEC 2). */
  | { kind: 'cron' };

export interface SerializedError {
  message: string;
  stack?: string;
  code?: string;
}

/** Host operations a handler may ask for through the SDK. */
export type HostCall =
  | { op: 'kvs.get'; key: unknown }
  | { op: 'kvs.set'; key: unknown; valueJson: string | undefined; ttl: unknown }
  | { op: 'kvs.delete'; key: unknown }
  /** `topics.<topic>.publish(message)`: answers `{ message_id }` once stored (docs/topics.md). */
  | { op: 'topics.publish'; topic: unknown; messageJson: string | undefined }
  /** `files.create_upload_url` / `files.get_url`: answer a signed URL (docs/files.md). */
  | { op: 'files.uploadUrl'; path: unknown; expiresIn: unknown }
  | { op: 'files.getUrl'; path: unknown; expiresIn: unknown }
  /**
   * `functions.<name>(payload)`: answers the function's result (docs/functions.md).
   * `caller` is the calling invocation's request id, added by the executor (nesting bound).
   */
  | { op: 'functions.call'; name: unknown; payloadJson: unknown; caller?: unknown };

export type ToExecutor =
  /**
   * `after`: the invocation is part of a sequence (executor.ts) and starts once invocation
   * `after` of the same instance has settled or been released (0: none is ahead of it).
   */
  | { t: 'invoke'; id: number; requestId: string; functionPath: string; invocation: Invocation; after?: number }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: SerializedError }
  | { t: 'ping'; id: number }
  /** Invocation `id` timed out: the invocation behind it in its sequence may start. */
  | { t: 'release'; id: number }
  /** No invocation is in flight any more: flush and exit. */
  | { t: 'retire' };

export type LogLevelFromHandler = 'info' | 'warn' | 'error';

export type FromExecutor =
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: SerializedError }
  | { t: 'call'; id: number; call: HostCall }
  /** Fire-and-forget: ordering per connection follows message order. */
  | { t: 'publish'; socket: string; messageJson: string; ids: string[] }
  | { t: 'pong'; id: number };
