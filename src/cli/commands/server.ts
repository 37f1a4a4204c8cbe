/**
 * `less-cli server start|stop|status|run [--port N] [--host H]`.
 *
 * `status` exits 0 whether or not a server runs (its text, or `"running"` in --json, says
 * which): "not running" is an answer, not a failure. Only a server that cannot be asked
 * (e.g. a token mismatch) makes it exit 1.
 */
import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { LessError, isLessError } from '../../errors.js';
import { startInBackground, type StartupMessage } from '../background.js';
import { AdminClient, type ServerStatus } from '../client.js';
import { help, messages } from '../messages.js';
import { printJson, printLines } from '../output.js';
import { DEFAULT_PORT, hostPort, serverLogFile, settings, type Settings } from '../settings.js';

interface Flags {
  port?: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  json?: boolean;
}

const STOP_LIMIT_MS = 10_000;
const STOP_POLL_MS = 50;

export function serverCommand(): Command {
  const server = new Command('server').description(help.server);
  const sub = (name: string, description: string, action: (flags: Flags) => Promise<void>) =>
    server
      .command(name)
      .description(description)
      .option('--port <port>', help.port)
      .option('--host <host>', help.host)
      .action(action);
  sub('start', help.serverStart, start).option('--tls-cert <file>', help.tlsCert).option('--tls-key <file>', help.tlsKey);
  sub('run', help.serverRun, run).option('--tls-cert <file>', help.tlsCert).option('--tls-key <file>', help.tlsKey);
  sub('stop', help.serverStop, stop);
  sub('status', help.serverStatus, status).option('--json', help.json);
  return server;
}

/** The running server's status, or undefined when nobody listens there. */
async function probe(client: AdminClient): Promise<ServerStatus | undefined> {
  try {
    return await client.status();
  } catch (error) {
    if (isLessError(error) && error.code === 'server_unreachable') return undefined;
    throw error;
  }
}

async function start(flags: Flags): Promise<void> {
  const s = settings(flags);
  const client = new AdminClient(s);
  const running = await probe(client);
  if (running) {
    printLines([messages.alreadyRunning(`http://${client.address}`, running.pid, running.home)]);
    return;
  }
  await startInBackground(s);
  const lines = [messages.serverStarted(`${s.tls ? 'https' : 'http'}://${client.address}`, s.home), messages.serverLogHint(serverLogFile(s.home))];
  if (String(s.port) !== (process.env.LESS_PORT || String(DEFAULT_PORT))) lines.push(messages.portHint(s.port));
  printLines(lines);
}

async function run(flags: Flags): Promise<void> {
  const s = settings(flags);
  let server: Awaited<ReturnType<typeof import('../../server/server.js').startServer>>;
  try {
    // Loaded on demand: the server pulls in SQLite, esbuild and ws, which no other command needs.
    const { startServer } = await import('../../server/server.js');
    server = await startServer({ home: s.home, port: s.port, host: s.host, ...(s.tls ? { tls: s.tls } : {}) });
  } catch (error) {
    const failure = startError(error, s);
    // A parent waiting in startInBackground learns the reason; main prints it to server.log.
    await report({ type: 'error', code: failure.code, message: failure.message });
    throw failure.user ? failure : error;
  }
  printLines([messages.listening(`${s.tls ? 'https' : 'http'}://${hostPort(server.host, server.port)}`, s.home)]);
  await report({ type: 'ready', port: server.port });

  // Stopping has two triggers, a signal here or POST /_admin/shutdown inside the server;
  // both end in `closed`. Exit explicitly then: worker threads or timers of a stopped
  // server must not keep the process alive.
  const stop = () => {
    printLines([messages.stopping]);
    server.close().catch(fail);
  };
  const fail = (error: unknown) => {
    console.error(error);
    process.exit(1);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.closed.then(() => process.exit(0), fail);
}

/** Resolves once the message is handed to the IPC channel, so exiting right after cannot lose it. */
function report(message: StartupMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send && process.connected) process.send(message, undefined, {}, () => resolve());
    else resolve();
  });
}

/** The reason a start failed, as a LessError a parent process can rebuild. */
function startError(error: unknown, s: Settings): LessError {
  if (isLessError(error)) return error;
  if ((error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE') {
    return new LessError('port_in_use', messages.portInUse(hostPort(s.host, s.port)));
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LessError('server_start_failed', messages.startCrashed(message, serverLogFile(s.home)), { user: false });
}

async function stop(flags: Flags): Promise<void> {
  const s = settings(flags);
  const client = new AdminClient(s);
  const running = await probe(client);
  if (!running) {
    printLines([messages.notRunning(client.address, s.home)]);
    return;
  }
  await client.shutdown().catch((error: unknown) => {
    // A server may drop the connection while it exits; its exit is checked below.
    if (!(isLessError(error) && ['connection_failed', 'server_unreachable'].includes(error.code))) throw error;
  });
  // The server is not our child, so there is no exit event to wait for: poll its pid.
  for (let waited = 0; isAlive(running.pid); waited += STOP_POLL_MS) {
    if (waited >= STOP_LIMIT_MS) throw new LessError('server_stop_failed', messages.stopTimeout(running.pid, STOP_LIMIT_MS / 1000));
    await sleep(STOP_POLL_MS);
  }
  printLines([messages.stopped(running.pid)]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function status(flags: Flags): Promise<void> {
  const s = settings(flags);
  const client = new AdminClient(s);
  const running = await probe(client);
  const url = `http://${client.address}`;
  if (flags.json) {
    printJson(running ? { running: true, url, ...running } : { running: false, url, home: s.home });
  } else if (running) {
    printLines([messages.running(url, running.pid, running.home, running.version)]);
  } else {
    printLines([messages.notRunning(client.address, s.home)]);
  }
}
