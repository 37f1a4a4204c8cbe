/**
 * Starting a server that outlives the CLI (`server start`, and `deploy` when none runs).
 *
 * The child is `less-cli server run` with an IPC channel. It reports once, as soon as it
 * listens or fails, so the parent waits for an event instead of polling the port:
 *
 *   parent ──spawn──▶ child: startServer()
 *   parent ◀─{type:'ready', port}─┤   → parent disconnects IPC and unrefs: child lives on
 *   parent ◀─{type:'error', code, message}─┤ → LessError with the child's code
 *   child exits first                 → error pointing at $LESS_HOME/server.log
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LessError, isLessError, type ErrorCode } from '../errors.js';
import { AdminClient } from './client.js';
import { messages } from './messages.js';
import { serverLogFile, type Settings } from './settings.js';

/** What `server run` sends its parent over IPC. */
export type StartupMessage =
  | { type: 'ready'; port: number }
  | { type: 'error'; code: ErrorCode; message: string };

/** dist/cli/background.js → bin/less-cli.js, wherever the package is installed. */
const BIN = fileURLToPath(new URL('../../bin/less-cli.js', import.meta.url));

/** A safety net for a child that neither reports nor exits (it is killed then). */
const STARTUP_LIMIT_MS = 60_000;

export async function startInBackground(s: Settings): Promise<{ port: number; pid: number }> {
  mkdirSync(s.home, { recursive: true, mode: 0o700 });
  const logFile = serverLogFile(s.home);
  const fd = openSync(logFile, 'a');
  let child;
  try {
    // A small young generation: a server holding thousands of idle connections keeps
    // whatever new-space V8 grew to under load (about 4 KiB per connection at the default).
    // Single-threaded GC: under load the gateway and the workers already fill the CPUs, and
    // V8's parallel-GC helpers only added the cost of coordinating with them.
    const tlsArgs = s.tls ? ['--tls-cert', s.tls.cert, '--tls-key', s.tls.key] : [];
    child = spawn(process.execPath, ['--max-semi-space-size=4', '--single-threaded-gc', BIN, 'server', 'run', '--port', String(s.port), '--host', s.host, ...tlsArgs], {
      detached: true,
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...process.env, LESS_HOME: s.home },
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd);
  }
  const started = child;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      started.kill();
      done(new LessError('server_start_failed', messages.startFailedTimeout(STARTUP_LIMIT_MS / 1000, logFile)));
    }, STARTUP_LIMIT_MS);

    function done(error: LessError | undefined, port?: number): void {
      clearTimeout(timer);
      started.removeAllListeners();
      if (started.connected) started.disconnect();
      started.unref();
      if (error) reject(error);
      else resolve({ port: port ?? s.port, pid: started.pid ?? 0 });
    }

    started.on('message', (raw) => {
      const message = raw as StartupMessage;
      if (message.type === 'ready') done(undefined, message.port);
      else if (message.type === 'error') done(new LessError(message.code, message.message));
    });
    started.once('exit', (code, signal) => {
      done(new LessError('server_start_failed', messages.startFailedExited(logFile, signal ?? `exit code ${code}`)));
    });
    started.once('error', (error) => {
      done(new LessError('server_start_failed', messages.startFailedSpawn(error.message)));
    });
  });
}

/**
 * Makes sure a server of this LESS_HOME answers on the configured port, starting one if
 * nobody listens. `notify` receives the lines announcing a start.
 */
export async function ensureServer(s: Settings, notify: (lines: string[]) => void): Promise<void> {
  const client = new AdminClient(s);
  try {
    await client.status();
    return;
  } catch (error) {
    if (!(isLessError(error) && error.code === 'server_unreachable')) throw error;
  }
  try {
    await startInBackground(s);
    notify([messages.serverStarted(`http://${client.address}`, s.home), messages.serverLogHint(serverLogFile(s.home))]);
  } catch (error) {
    // Two deploys racing to start a server: the loser's child finds the port taken,
    // which is fine when the winner is a server of this LESS_HOME.
    if (!(isLessError(error) && error.code === 'port_in_use')) throw error;
    await client.status().catch(() => {
      throw error;
    });
  }
}
