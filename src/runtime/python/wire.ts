/**
 * Messages with a Python worker: those of ../protocol.ts, plus what only a separate
 * process needs — its start-up data, and its log chunks (a worker thread posts those to
 * the log store's port itself; a process cannot, so they come back over the channel).
 */
import type { LogLevel } from '../../storage/logs.js';
import type { FromExecutor, ToExecutor } from '../protocol.js';

export interface PythonWorkerInit {
  t: 'init';
  project: string;
  /** The deployment's version folder: the process's working directory, `<dir>/less/shared` is importable. */
  dir: string;
  /** functionPath → absolute handler file. */
  files: Record<string, string>;
  sockets: string[];
  /** The largest message `publish` sends, in UTF-8 bytes of its JSON. */
  maxPublishBytes: number;
  env: Record<string, string>;
  /** The folder that holds the `less` SDK package. */
  sdk: string;
}

export type ToPython = ToExecutor | PythonWorkerInit;

/**
 * The lines of one invocation since the last flush, as `[ts, level, message]`. The server
 * turns them into the log store's stored form (storage/logs.ts encodeLine), so that form
 * is written in one place only.
 */
export interface PythonLogChunk {
  functionPath: string;
  requestId: string;
  lines: [number, LogLevel, string][];
  final: boolean;
}

export type FromPython = FromExecutor | { t: 'logs'; chunks: PythonLogChunk[] };
