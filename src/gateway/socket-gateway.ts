/**
 * Web Sockets (SPEC 2.2). Connect runs before the handshake completes; frames of a
 * connection are handled one at a time in arrival order; bad input gets an error
 * frame and never reaches a handler; `disconnect` runs exactly once per accepted
 * connection, after its queued frames.
 *
 *   upgrade ─► connect handler ─┬─ refused/threw ─► HTTP status, no disconnect
 *                               └─ ok ─► open ─► frames… ─► closed ─► queue drained ─► disconnect
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { LiveProject, ProjectLookup } from '../server/live-project.js';
import { ConnectionRegistry, type Connection, type Frame } from './connections.js';
import { clientHeaders, queryObject, refuseUpgrade } from './http-reply.js';
import { failureFrame, parseFrame } from './socket-frames.js';

export interface SocketLimits {
  /** Incoming message size; larger closes with 1009. */
  maxPayloadBytes: number;
  pingIntervalMs: number;
  /** Unsent bytes to one client before it is closed with 1013. */
  maxBufferedBytes: number;
  /** Frames waiting for their handler before the connection stops reading. */
  maxQueuedFrames: number;
}

export const defaultSocketLimits: SocketLimits = {
  maxPayloadBytes: 32 * 1024,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedFrames: 256,
};

const noop = (): void => undefined;

export class SocketGateway {
  readonly connections = new ConnectionRegistry();
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly disconnects = new Set<Promise<void>>();

  constructor(
    private readonly projects: ProjectLookup,
    private readonly limits: SocketLimits,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, clientTracking: false, perMessageDeflate: false });
    this.heartbeat = setInterval(() => this.beat(), limits.pingIntervalMs);
    this.heartbeat.unref();
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, projectName: string, socketName: string): Promise<void> {
    socket.on('error', noop); // a reset during connect must not crash the server
    const live = this.projects.get(projectName);
    const definition = live?.sockets.get(socketName);
    if (!live || !definition) {
      return refuseUpgrade(socket, 404, { error: 'Not Found', message: `no socket "${socketName}" in project "${projectName}"` });
    }
    if (!isWebSocketHandshake(req)) {
      return refuseUpgrade(socket, 400, { error: 'Bad Request', message: 'not a valid WebSocket handshake' });
    }
    const connectionId = randomBytes(12).toString('base64url');
    if (definition.connect) {
      const event = { connection_id: connectionId, query: queryObject(new URL(req.url ?? '/', 'http://x').search), headers: clientHeaders(req) };
      const outcome = await live.invoker.invoke(definition.connect.functionPath, { kind: 'connect', event });
      if (!outcome.ok) {
        const status = outcome.failure.kind === 'timeout' ? 504 : 500;
        return refuseUpgrade(socket, status, { error: status === 504 ? 'Gateway Timeout' : 'Internal Server Error', request_id: outcome.requestId });
      }
      const refusal = refusalStatus(outcome.value);
      if (refusal) return refuseUpgrade(socket, refusal, { error: 'Connection refused', statusCode: refusal });
    }
    if (socket.destroyed) {
      // The client left while `connect` ran: it was accepted, so its disconnect still runs.
      return this.track(this.runDisconnect(projectName, socketName, connectionId, undefined));
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, connectionId, live, socketName));
  }

  /** Sends `messageJson` to each listed connection open on that socket of that project. */
  publish(project: string, socket: string, messageJson: string, ids: string[]): void {
    for (const id of ids) {
      const connection = this.connections.get(id);
      if (connection && connection.project === project && connection.socket === socket) this.send(connection, messageJson);
    }
  }

  /** Closes connections (of a removed socket or project); their disconnect runs on `via`. */
  async close(project: string, socket: string | undefined, via: LiveProject, code: number, reason: string): Promise<void> {
    const closing = [...this.connections.of(project, socket)];
    const done = closing.map((connection) => this.whenDone(connection));
    for (const connection of closing) {
      connection.via = via;
      connection.ws.close(code, reason);
    }
    await Promise.all(done);
  }

  /** Server shutdown: every connection closes with 1001 and its disconnect runs. */
  async shutdown(graceMs = 2000): Promise<void> {
    clearInterval(this.heartbeat);
    const all = [...this.connections.all()];
    const done = all.map((connection) => this.whenDone(connection));
    for (const connection of all) connection.ws.close(1001, 'server shutting down');
    // A client that does not answer the close handshake is cut off after a grace period.
    const cutoff = setTimeout(() => all.forEach((connection) => connection.ws.terminate()), graceMs);
    await Promise.all(done);
    clearTimeout(cutoff);
    await Promise.all(this.disconnects);
  }

  private whenDone(connection: Connection): Promise<void> {
    return new Promise((resolve) => {
      const previous = connection.onDone;
      connection.onDone = () => {
        previous?.();
        resolve();
      };
    });
  }

  private open(ws: WebSocket, id: string, acceptedBy: LiveProject, socket: string): void {
    const project = acceptedBy.name;
    const connection: Connection = { id, project, socket, ws, queue: [], busy: false, closed: false, unanswered: 0 };
    this.connections.add(connection);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(connection, { data, isBinary }));
    ws.on('pong', () => {
      connection.unanswered = 0;
    });
    ws.on('error', noop); // protocol errors (e.g. 1009) close the socket; 'close' follows
    ws.on('close', () => {
      connection.closed = true;
      if (!connection.busy) this.finish(connection);
    });
    // The socket (or project) was removed while `connect` ran: close as a removal would have.
    if (!this.projects.get(project)?.sockets.has(socket)) {
      connection.via = acceptedBy;
      ws.close(1001, 'socket removed');
    }
  }

  private receive(connection: Connection, frame: Frame): void {
    connection.queue.push(frame);
    if (connection.queue.length >= this.limits.maxQueuedFrames) connection.ws.pause();
    if (!connection.busy) void this.drain(connection);
  }

  private async drain(connection: Connection): Promise<void> {
    connection.busy = true;
    let frame: Frame | undefined;
    while ((frame = connection.queue.shift())) {
      if (connection.ws.isPaused && connection.queue.length < this.limits.maxQueuedFrames / 2) connection.ws.resume();
      const handling = this.handle(connection, frame);
      if (handling) await handling;
    }
    connection.busy = false;
    if (connection.closed) this.finish(connection);
  }

  /**
   * Handles one frame; returns a promise only when a handler runs (an error reply is sent at
   * once). Not an async function: this runs per message, and each async frame and await
   * allocates on the thread that holds the sockets.
   */
  private handle(connection: Connection, frame: Frame): Promise<void> | undefined {
    const live = this.projects.get(connection.project);
    const definition = live?.sockets.get(connection.socket);
    if (!live || !definition) return undefined; // being removed: its connections are closing
    const parsed = parseFrame(frame, definition);
    if ('reply' in parsed) {
      this.send(connection, parsed.reply);
      return undefined;
    }
    const { handler, data } = parsed;
    return live.invoker.invoke(handler.functionPath, { kind: 'event', payload: { connection_id: connection.id, data } }).then((outcome) => {
      if (!outcome.ok) this.send(connection, failureFrame(outcome, live.name, handler.functionPath));
    });
  }

  private send(connection: Connection, text: string): void {
    const { ws } = connection;
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(text);
    if (ws.bufferedAmount > this.limits.maxBufferedBytes) ws.close(1013, 'client too slow: unsent data over the limit');
  }

  private finish(connection: Connection): void {
    this.connections.remove(connection);
    const disconnect = this.runDisconnect(connection.project, connection.socket, connection.id, connection.via);
    this.track(disconnect);
    void disconnect.then(() => connection.onDone?.());
  }

  private async runDisconnect(project: string, socket: string, connectionId: string, via: LiveProject | undefined): Promise<void> {
    const live = via ?? this.projects.get(project);
    const handler = live?.sockets.get(socket)?.disconnect;
    if (live && handler) await live.invoker.invoke(handler.functionPath, { kind: 'event', payload: { connection_id: connectionId } });
  }

  private track(disconnect: Promise<void>): void {
    this.disconnects.add(disconnect);
    void disconnect.finally(() => this.disconnects.delete(disconnect));
  }

  /** Missed-pong counting: a connection that leaves two pings unanswered is cut off. */
  private beat(): void {
    for (const connection of this.connections.all()) {
      if (connection.unanswered >= 2) {
        connection.ws.terminate();
        continue;
      }
      connection.unanswered++;
      connection.ws.ping();
    }
  }
}

function isWebSocketHandshake(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  return req.method === 'GET' && typeof key === 'string' && /^[+/0-9A-Za-z]{22}==$/.test(key) && req.headers['sec-websocket-version'] === '13';
}

/** `connect` refuses by returning `{ statusCode: N }` with N ≥ 400. */
function refusalStatus(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const status = Number((value as { statusCode?: unknown }).statusCode);
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}
