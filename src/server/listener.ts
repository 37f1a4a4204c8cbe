/**
 * The one port. Without TLS it is a plain `node:http` server. With TLS (a certificate
 * and key) the same port speaks both: a connection whose first byte opens a TLS
 * handshake is served as https/wss, any other one as http/ws — but plaintext is
 * accepted from loopback only, so `less-cli` on the same machine keeps working
 * unchanged while nothing crosses the network unencrypted.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
import { LessError } from '../errors.js';

export interface TlsFiles {
  /** PEM certificate (chain) file. */
  cert: string;
  /** PEM private key file. */
  key: string;
}

export interface Handlers {
  request: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface Listener {
  /** What listens on the port. */
  server: HttpServer | NetServer;
  /** Stop accepting, as http.Server#close. */
  close(): void;
  /** Cut every open HTTP connection (after sockets have had their close handshake). */
  closeAllConnections(): void;
}

const HTTP_OPTIONS = { keepAliveTimeout: 5000 };
const PLAINTEXT_REFUSAL_BODY = 'This server accepts https and wss only (plain http only from this machine).\n';
const PLAINTEXT_REFUSED = `HTTP/1.1 426 Upgrade Required\r\nUpgrade: TLS/1.2, HTTP/1.1\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${PLAINTEXT_REFUSAL_BODY.length}\r\n\r\n${PLAINTEXT_REFUSAL_BODY}`;
const FIRST_BYTE_TIMEOUT_MS = 30_000;
/** The first byte of a TLS record carrying a handshake. */
const TLS_HANDSHAKE = 0x16;

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export function createListener(handlers: Handlers, tls: TlsMaterial | undefined): Listener {
  const http = createHttpServer(HTTP_OPTIONS, handlers.request);
  http.on('upgrade', handlers.upgrade);
  if (!tls) return { server: http, close: () => http.close(), closeAllConnections: () => http.closeAllConnections() };

  const https = createHttpsServer({ ...HTTP_OPTIONS, ...tls }, handlers.request);
  https.on('upgrade', handlers.upgrade);
  // A failed handshake (wrong certificate on the client, a port scanner) is the client's problem.
  https.on('tlsClientError', (_error, socket) => socket.destroy());
  const net = createNetServer({ pauseOnConnect: true }, (socket) => route(socket, http, https));
  return {
    server: net,
    close: () => {
      net.close();
      http.close();
      https.close();
    },
    closeAllConnections: () => {
      http.closeAllConnections();
      https.closeAllConnections();
    },
  };
}

function route(socket: Socket, http: HttpServer, https: HttpServer): void {
  socket.on('error', () => socket.destroy());
  // Until the first byte no server owns the connection, so none of their timeouts applies.
  socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
  socket.once('data', (first: Buffer) => {
    socket.setTimeout(0);
    socket.pause();
    // Give the bytes back: the server that takes the connection reads them first.
    socket.unshift(first);
    // TLS reads through the stream interface, where the bytes given back are; handed the
    // socket itself it would read the kernel socket directly and miss the ClientHello.
    if (first[0] === TLS_HANDSHAKE) https.emit('connection', Duplex.from({ readable: socket, writable: socket }));
    else if (isLocal(socket)) http.emit('connection', socket);
    else socket.end(PLAINTEXT_REFUSED);
    socket.resume();
  });
  socket.resume();
}

/** Loopback, or this machine talking to its own address (a server bound to a LAN address). */
export function isLocal(socket: Pick<Socket, 'remoteAddress' | 'localAddress'>): boolean {
  const address = socket.remoteAddress;
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.') || address === socket.localAddress;
}

export async function readTlsFiles(tls: TlsFiles): Promise<TlsMaterial> {
  const read = async (file: string, what: string, variable: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new LessError('invalid_arguments', `cannot read the TLS ${what} ${file} (${code}) — point ${variable} at a readable PEM file`);
    }
  };
  const material = { cert: await read(tls.cert, 'certificate', 'LESS_TLS_CERT'), key: await read(tls.key, 'key', 'LESS_TLS_KEY') };
  // Checked here, before anything starts: the https server would only throw once storage and
  // projects are already running.
  try {
    createSecureContext(material);
  } catch (error) {
    // OpenSSL's own words ("no start line", "key values mismatch"), without its error number.
    const reason = (error as { reason?: string }).reason ?? (error as Error).message;
    throw new LessError(
      'invalid_arguments',
      `LESS_TLS_CERT (${tls.cert}) and LESS_TLS_KEY (${tls.key}) are not a PEM certificate and its private key (${reason}) — point them at the certificate and the unencrypted key it was made for`,
    );
  }
  return material;
}
