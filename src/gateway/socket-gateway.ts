/**
 * Web Sockets (SPEC 2.2). Connect runs before the handshake completes; frames of a
 * connection are handled one at a time in arrival order; bad input gets an error
 * frame and never reaches a handler; `disconnect` runs exactly once per accepted
 * connection, after its pending frames.
 *
 *   upgrade ─► connect handler ─┬─ refused/threw ─► HTTP status, no disconnect
 *                               └─ ok ─► open ─► frames… ─► closed ─► none pending ─► disconnect
 *
 * One at a time without a round trip per frame: a frame goes to the executor as soon as it
 * arrives, with the connection id as its sequence key, and the executor starts it once the
 * frame before it has ended (Executor). A connection's frames thus reach a worker together and
 * their replies come back together, written with one system call (cork). The gateway keeps
 * the order of what it sends itself — error frames — by letting frames leave in arrival order,
 * and holds a frame only when the frames before it run elsewhere: on the deployment a redeploy
 * replaced, or in the other language's executor.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { LiveProject, ProjectLookup } from '../server/live-project.js';
import { runtimeOf } from '../runtime/language-router.js';
import type { Outcome } from '../runtime/invoker.js';
import { ConnectionRegistry, FrameState, type Connection, type Frame, type PendingFrame } from './connections.js';
import { clientHeaders, queryObject, refuseUpgrade, unknownProject, unknownSocket } from './http-reply.js';
import { failureFrame, parseFrame } from './socket-frames.js';

export interface SocketLimits {
  /** Incoming message size; larger closes with 1009. */
  maxPayloadBytes: number;
  pingIntervalMs: number;
  /** Unsent bytes to one client before it is closed with 1013. */
  maxBufferedBytes: number;
  /** Frames pending (not finished) before the connection stops reading. */
  maxQueuedFrames: number;
}

export const defaultSocketLimits: SocketLimits = {
  maxPayloadBytes: 32 * 1024,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedFrames: 256,
};

const noop = (): void => undefined;

/**
 * The longest header of a frame this server sends (8-byte length, no mask). Not counted against
 * maxBufferedBytes: a message as large as the bound, which `publish` accepts, reaches a client
 * that has nothing else unsent.
 */
const MAX_FRAME_HEADER_BYTES = 10;

export class SocketGateway {
  readonly connections = new ConnectionRegistry();
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly disconnects = new Set<Promise<void>>();
  /** Connections corked since the current callback began; uncorked on the next tick. */
  private corked: Connection[] = [];

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
    if (!live) return refuseUpgrade(socket, 404, { error: 'Not Found', message: unknownProject(projectName) });
    const definition = live.sockets.get(socketName);
    if (!definition) {
      return refuseUpgrade(socket, 404, { error: 'Not Found', message: unknownSocket(projectName, socketName, live.sockets.keys()) });
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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, socket, connectionId, live, socketName));
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

  private open(ws: WebSocket, transport: Duplex, id: string, acceptedBy: LiveProject, socket: string): void {
    const project = acceptedBy.name;
    const connection: Connection = {
      id,
      project,
      socket,
      ws,
      transport,
      corked: false,
      pending: [],
      held: 0,
      running: 0,
      runningOn: undefined,
      runningRuntime: undefined,
      settling: false,
      closed: false,
      unanswered: 0,
    };
    this.connections.add(connection);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(connection, { data, isBinary }));
    ws.on('pong', () => {
      connection.unanswered = 0;
    });
    ws.on('error', noop); // protocol errors (e.g. 1009) close the socket; 'close' follows
    ws.on('close', () => {
      connection.closed = true;
      if (connection.pending.length === 0) this.finish(connection);
    });
    // The socket (or project) was removed while `connect` ran: close as a removal would have.
    if (!this.projects.get(project)?.sockets.has(socket)) {
      connection.via = acceptedBy;
      ws.close(1001, 'socket removed');
    }
  }

  private receive(connection: Connection, frame: Frame): void {
    const item: PendingFrame = { frame, state: FrameState.Held, reply: undefined };
    connection.pending.push(item);
    if (connection.pending.length >= this.limits.maxQueuedFrames) connection.ws.pause();
    // Behind a held frame, a frame is held too: frames start in arrival order.
    if (connection.held > 0 || !this.start(connection, item)) connection.held++;
    else if (item.state === FrameState.Done) this.settle(connection);
  }

  /**
   * Starts handling a frame: an error reply at once, or its channel handler. Returns false
   * (and leaves the frame held) when frames before it still run on another deployment or runtime.
   */
  private start(connection: Connection, item: PendingFrame): boolean {
    const live = this.projects.get(connection.project);
    const definition = live?.sockets.get(connection.socket);
    if (!live || !definition) {
      item.state = FrameState.Done; // being removed: its connections are closing
      return true;
    }
    const parsed = parseFrame(item.frame!, definition);
    if ('reply' in parsed) {
      item.state = FrameState.Done;
      item.reply = parsed.reply;
      return true;
    }
    const { handler, data, text } = parsed;
    const runtime = runtimeOf(handler);
    if (connection.running > 0 && (connection.runningOn !== live || connection.runningRuntime !== runtime)) return false;
    item.state = FrameState.Running;
    item.frame = undefined;
    connection.running++;
    connection.runningOn = live;
    connection.runningRuntime = runtime;
    const done = (outcome: Outcome): void => {
      item.state = FrameState.Done;
      // Not kept once idle: an old deployment's objects are not held by the connections it served.
      if (--connection.running === 0) connection.runningOn = connection.runningRuntime = undefined;
      if (!outcome.ok) item.reply = failureFrame(outcome, live.name, handler.functionPath);
      this.settle(connection);
    };
    const invocation = { kind: 'event', payload: { connection_id: connection.id, data }, frame: text } as const;
    live.invoker.run(handler.functionPath, invocation, done, undefined, connection.id);
    return true;
  }

  /** Lets finished frames leave in order (with their replies) and starts held frames whose turn came. */
  private settle(connection: Connection): void {
    // A frame started below may finish at once (a retired deployment) and call this again.
    if (connection.settling) return;
    connection.settling = true;
    const { pending } = connection;
    let progressed = true;
    while (progressed) {
      progressed = false;
      while (pending.length > 0 && pending[0]!.state === FrameState.Done) {
        const { reply } = pending.shift()!;
        if (reply !== undefined) this.send(connection, reply);
        progressed = true;
      }
      while (connection.held > 0 && this.start(connection, pending[pending.length - connection.held]!)) {
        connection.held--;
        progressed = true;
      }
    }
    connection.settling = false;
    if (connection.ws.isPaused && pending.length < this.limits.maxQueuedFrames / 2) connection.ws.resume();
    if (connection.closed && pending.length === 0) this.finish(connection);
  }

  private send(connection: Connection, text: string): void {
    const { ws } = connection;
    if (ws.readyState !== WebSocket.OPEN) return;
    // Replies of one batch from a worker leave in one write: cork now, uncork after this callback.
    if (!connection.corked) {
      connection.corked = true;
      connection.transport.cork();
      if (this.corked.push(connection) === 1) process.nextTick(this.uncork);
    }
    ws.send(text);
    if (ws.bufferedAmount > this.limits.maxBufferedBytes + MAX_FRAME_HEADER_BYTES) ws.close(1013, 'client too slow: unsent data over the limit');
  }

  private readonly uncork = (): void => {
    const corked = this.corked;
    this.corked = [];
    for (const connection of corked) {
      connection.corked = false;
      connection.transport.uncork();
    }
  };

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
