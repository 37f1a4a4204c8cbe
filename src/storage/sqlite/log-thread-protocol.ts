import type { MessagePort } from 'node:worker_threads';
import type { LogChunk, LogEntry } from '../logs.js';

export type ToLogThread =
  | { t: 'append'; chunks: LogChunk[] }
  /** A producer's port: it carries `LogChunk[]` batches. */
  | { t: 'producer'; port: MessagePort }
  | { t: 'read'; id: number; project: string; functionPath: string; options: { tail?: number; afterId?: number } }
  | { t: 'watch'; project: string; functionPath: string; on: boolean }
  | { t: 'deleteProject'; id: number; project: string }
  | { t: 'close'; id: number };

export type FromLogThread =
  | { t: 'read'; id: number; entries: LogEntry[] }
  | { t: 'stored'; project: string; functionPath: string; entry: LogEntry }
  | { t: 'done'; id: number };
