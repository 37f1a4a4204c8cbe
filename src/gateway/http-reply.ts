/** Small helpers to answer on raw node:http objects and on upgrade sockets. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { nameList, projectNotDeployed } from '../errors.js';

/** Every URL starts with a project's name: says which part of the URL is wrong and where the right ones are listed. */
export function unknownProject(projectName: string): string {
  if (projectName === '') return "this is an OpenLess server: every URL starts with a deployed project's name, e.g. /<project>/apis/<api>/… (`less-cli list resources <project>` prints them)";
  return projectNotDeployed(projectName).message;
}

/** A socket name the project does not have, in an upgrade or a plain request. */
export function unknownSocket(projectName: string, socketName: string, sockets: Iterable<string>): string {
  return `project "${projectName}" has no socket "${socketName}" (sockets: ${nameList(sockets)})`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // The reason phrase given: a writeHead that threw earlier (a bad header) may have left another's.
  res.writeHead(status, STATUS_CODES[status], { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Refuses a WebSocket upgrade with a real HTTP status (never a 101 followed by a close). */
export function refuseUpgrade(socket: Duplex, status: number, body: unknown): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/** Header names as the client sent them (node lowercases `req.headers`); repeats are joined. */
export function clientHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** A repeated key gives its last value (SPEC 2.1). */
export function queryObject(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) query[key] = value;
  return query;
}
