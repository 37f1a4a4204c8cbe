/**
 * One OpenLess server: one port for every project, embedded storage under `home`.
 * Start order: storage → restore deployments → listen → token and server.json.
 * Stop order: stop listening → close sockets (disconnect handlers run) → executors → storage.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createListener, readTlsFiles, type TlsFiles } from './listener.js';
import { createHttpGateway } from '../gateway/http-gateway.js';
import { SocketGateway } from '../gateway/socket-gateway.js';
import { openDatabase } from '../storage/database.js';
import { SqliteDeploymentStore } from '../storage/sqlite/deployments.js';
import { SqliteKeyValueStore } from '../storage/sqlite/kv.js';
import { SqliteTopicStore } from '../storage/sqlite/topics.js';
import { systemClock } from '../storage/kv.js';
import { TopicService } from '../resources/topics/topic-service.js';
import { ThreadedLogStore } from '../storage/sqlite/threaded-logs.js';
import { serveAdmin } from './admin.js';
import { tunablesFromEnv, type ServerTunables } from './config.js';
import { ProjectManager } from './projects.js';
import { publicHost } from './resources.js';
import { FileService, maxUploadBytesFromEnv } from '../resources/files/file-service.js';

export const VERSION = '0.1.0';

export interface ServerOptions {
  home: string;
  port: number;
  host: string;
  tunables?: ServerTunables;
  /** Serve https/wss on the same port (plain http stays open to loopback for the CLI). */
  tls?: TlsFiles;
}

export interface RunningServer {
  port: number;
  host: string;
  /** Resolves once the server has stopped; `close()` starts that. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { home, host } = options;
  const tunables = options.tunables ?? tunablesFromEnv();
  // Before anything opens: a wrong certificate path is a clear error with nothing to undo.
  const tls = options.tls ? await readTlsFiles(options.tls) : undefined;
  await mkdir(home, { recursive: true });
  const db = openDatabase(join(home, 'data.db'));
  const logs = new ThreadedLogStore(join(home, 'logs.db'));
  // Topic queues share data.db with the KVS: a KVS write and its change event commit together.
  const topics = new TopicService(new SqliteTopicStore(db), logs, {
    retry: tunables.topics,
    maxInFlight: 32,
    leaseMs: tunables.executor.timeoutMs + 5000,
  });
  const kv = new SqliteKeyValueStore(db, systemClock, topics);
  const stopSweeper = kv.startSweeper({ intervalMs: tunables.kvs.sweepIntervalMs });
  // Signed file URLs name the address clients reach; `port` is only read once listening.
  const files = new FileService({ home, baseUrl: () => `${options.tls ? 'https' : 'http'}://${publicHost(host, port)}`, maxUploadBytes: maxUploadBytesFromEnv() });
  const projects = new ProjectManager({ home, kv, logs, deployments: new SqliteDeploymentStore(db), executor: tunables.executor, maxPublishBytes: tunables.sockets.maxBufferedBytes, files, topics });
  const sockets = new SocketGateway(projects, tunables.sockets);
  projects.attach(sockets);
  topics.attach(projects);
  await projects.restore();

  const token = randomBytes(24).toString('hex');
  let port = options.port;
  let stopping: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const gateway = createHttpGateway({
    projects,
    sockets,
    apiLimits: tunables.apis,
    files,
    topics,
    admin: (req, res, path, search) =>
      serveAdmin(req, res, path, search, {
        token,
        projects,
        logs,
        topics,
        status: () => ({ pid: process.pid, port, host, home, version: VERSION, connections: sockets.connections.size }),
        hostPort: () => publicHost(host, port),
        secure: options.tls !== undefined,
        shutdown: () => void close(),
      }),
  });
  const listener = createListener(gateway, tls);
  const { server } = listener;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    topics.stop();
    await sockets.shutdown();
    await projects.retireAll();
    stopSweeper();
    db.close();
    throw error;
  });
  port = (server.address() as AddressInfo).port;

  const tokenFile = join(home, 'admin.token');
  await writeFile(tokenFile, token, { mode: 0o600 });
  await chmod(tokenFile, 0o600);
  const stateFile = join(home, 'server.json');
  await writeFile(stateFile, JSON.stringify({ pid: process.pid, port, host, tls: tls !== undefined }));

  function close(): Promise<void> {
    stopping ??= (async () => {
      listener.close();
      // Deliveries that do not finish now run again after the next start (at least once).
      topics.stop();
      await sockets.shutdown();
      listener.closeAllConnections();
      await projects.retireAll();
      stopSweeper();
      await logs.close();
      db.close();
      await rm(stateFile, { force: true });
      markClosed();
    })();
    return stopping;
  }

  return { port, host, closed, close };
}
