/**
 * The connections this node holds. An entry is added when the handshake completes and
 * removed in exactly one place, `remove`, called from the socket's `close` event — so a
 * closed connection can never linger (LESSONS: 2,000 cycles must not leave 2,000 objects).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Runtime } from '../runtime/language-router.js';
import type { LiveProject } from '../server/live-project.js';

export interface Frame {
  data: Buffer;
  isBinary: boolean;
}

export const enum FrameState {
  /** Waits at the gateway: frames before it run on another deployment or runtime. */
  Held,
  /** With the executor, which runs a connection's frames one at a time, in order. */
  Running,
  /** Handled; leaves (and sends its reply, if any) once every frame before it has. */
  Done,
}

/** A frame of a connection that has not finished yet. */
export interface PendingFrame {
  /** Until it starts: a running frame's bytes need not outlive the parse. */
  frame: Frame | undefined;
  state: FrameState;
  /** An error frame for the client, sent when this frame leaves. */
  reply?: string;
}

export interface Connection {
  readonly id: string;
  readonly project: string;
  readonly socket: string;
  readonly ws: WebSocket;
  /** The connection's transport (ws writes to it): corked while a batch of replies is written. */
  readonly transport: Duplex;
  corked: boolean;
  /** Frames not finished yet, in arrival order; the Held ones are the last `held`. */
  readonly pending: PendingFrame[];
  held: number;
  /** Frames with the executor, all on `runningOn`, in the executor of `runningRuntime`. */
  running: number;
  runningOn?: LiveProject;
  runningRuntime?: Runtime;
  /** `settle` is on the stack (a completion may arrive while it starts a frame). */
  settling: boolean;
  /** The client closed or was closed; `disconnect` runs once no frame is pending. */
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
