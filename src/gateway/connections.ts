/**
 * The connections this node holds. An entry is added when the handshake completes and
 * removed in exactly one place, `remove`, called from the socket's `close` event — so a
 * closed connection can never linger (LESSONS: 2,000 cycles must not leave 2,000 objects).
 */
import type { WebSocket } from 'ws';
import type { LiveProject } from '../server/live-project.js';

export interface Frame {
  data: Buffer;
  isBinary: boolean;
}

export interface Connection {
  readonly id: string;
  readonly project: string;
  readonly socket: string;
  readonly ws: WebSocket;
  /** Frames waiting for their turn: one connection's frames run one at a time, in order. */
  readonly queue: Frame[];
  busy: boolean;
  /** The client closed or was closed; `disconnect` runs once the queue is drained. */
  closed: boolean;
  /** Pings sent since the last pong. */
  unanswered: number;
  /** Set when the socket or project is being removed: its `disconnect` runs on this (old) code. */
  via?: LiveProject;
  /** Called once its disconnect handler has finished (for shutdown and socket removal). */
  onDone?: () => void;
}

export class ConnectionRegistry {
  private readonly byId = new Map<string, Connection>();

  add(connection: Connection): void {
    this.byId.set(connection.id, connection);
  }

  get(id: string): Connection | undefined {
    return this.byId.get(id);
  }

  remove(connection: Connection): void {
    this.byId.delete(connection.id);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<Connection> {
    return this.byId.values();
  }

  /** Connections of a project, optionally of one socket only. */
  *of(project: string, socket?: string): IterableIterator<Connection> {
    for (const connection of this.byId.values()) {
      if (connection.project === project && (socket === undefined || connection.socket === socket)) yield connection;
    }
  }
}
