/**
 * Where the CLI finds its server: state in $LESS_HOME, the server on $LESS_PORT.
 * Two shells with different LESS_HOME / LESS_PORT pairs drive two independent servers,
 * so nothing here is cached across invocations.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LessError } from '../errors.js';
import { messages } from './messages.js';

export const DEFAULT_PORT = 8000;
export const DEFAULT_HOST = '127.0.0.1';

export interface Settings {
  /** Absolute LESS_HOME. */
  home: string;
  port: number;
  /** Host the server listens on (or is asked about). */
  host: string;
  /** Certificate and key (absolute paths): the server serves https/wss too. */
  tls?: { cert: string; key: string };
}

export function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new LessError('invalid_arguments', messages.badPort(source, value));
  }
  return port;
}

/** Settings from the environment, with `--port` / `--host` / `--tls-*` flags taking precedence. */
export function settings(flags: { port?: string; host?: string; tlsCert?: string; tlsKey?: string } = {}): Settings {
  const home = resolve(process.env.LESS_HOME || join(homedir(), '.less'));
  const port =
    flags.port !== undefined
      ? parsePort(flags.port, '--port')
      : process.env.LESS_PORT
        ? parsePort(process.env.LESS_PORT, 'LESS_PORT')
        : DEFAULT_PORT;
  const cert = flags.tlsCert ?? (process.env.LESS_TLS_CERT || undefined);
  const key = flags.tlsKey ?? (process.env.LESS_TLS_KEY || undefined);
  if ((cert === undefined) !== (key === undefined)) throw new LessError('invalid_arguments', messages.tlsHalf(cert === undefined ? 'key' : 'certificate'));
  const tls = cert !== undefined && key !== undefined ? { cert: resolve(cert), key: resolve(key) } : undefined;
  return { home, port, host: flags.host ?? DEFAULT_HOST, ...(tls ? { tls } : {}) };
}

/** Host to connect to: a wildcard listen address is reached through loopback. */
export function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/** `host:port` with IPv6 hosts bracketed, as used in URLs and messages. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const tokenFile = (home: string) => join(home, 'admin.token');
export const serverLogFile = (home: string) => join(home, 'server.log');
