/**
 * Sends one open file over node:http the way browsers and download tools expect:
 * strong ETag + Last-Modified, 304 on a matching If-None-Match (or If-Modified-Since),
 * HEAD without a body, one byte range (`Range: bytes=a-b` → 206, unsatisfiable → 416).
 * Several ranges in one request are answered with the whole file (RFC 9110 allows it).
 * The body is streamed from the already-open handle, so a file deleted or replaced
 * meanwhile (a redeploy retiring its folder) is still sent whole and consistent.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** An open file of any store (a local file today, an object in S3 tomorrow). */
export interface FileBody {
  size: number;
  mtimeMs: number;
  /** Strong: changes whenever the bytes may have changed. */
  etag: string;
  /** The bytes, whole or `[start, end]` inclusive; the stream releases the file when it ends or is destroyed. */
  read(range?: { start: number; end: number }): Readable;
  /** Releases the file without reading it (HEAD, 304, 416). */
  close(): Promise<void>;
}

export interface FileToSend {
  /** Owned by sendFile from here on: it is released whatever happens. */
  file: FileBody;
  contentType: string;
  cacheControl: string;
  /** 200 (default) honours conditionals and ranges; any other status sends the whole file as is. */
  status?: number;
  headers?: Record<string, string>;
}

/** A local file opened for reading, as a FileBody (the snapshot and stored files are replaced, never edited in place). */
export function localFile(handle: FileHandle, stats: Stats): FileBody {
  return {
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    etag: `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}-${stats.ino.toString(16)}"`,
    read: (range) => handle.createReadStream(range ? { start: range.start, end: range.end } : {}),
    close: () => handle.close().catch(() => undefined),
  };
}

export async function sendFile(req: IncomingMessage, res: ServerResponse, options: FileToSend): Promise<void> {
  const { file } = options;
  const status = options.status ?? 200;
  const lastModified = new Date(Math.floor(file.mtimeMs / 1000) * 1000).toUTCString();
  const headers: Record<string, string | number> = {
    'Content-Type': options.contentType,
    ETag: file.etag,
    'Last-Modified': lastModified,
    'Cache-Control': options.cacheControl,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    ...options.headers,
  };
  const head = req.method === 'HEAD';
  let streaming = false;
  try {
    if (status === 200 && notModified(req, file.etag, file.mtimeMs)) {
      delete headers['Content-Type'];
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const range = status === 200 ? requestedRange(req, file.size, file.etag, lastModified) : undefined;
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${file.size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    if (range) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${file.size}`;
      headers['Content-Length'] = range.end - range.start + 1;
    } else {
      headers['Content-Length'] = file.size;
    }
    res.writeHead(range ? 206 : status, headers);
    if (head || file.size === 0) {
      res.end();
      return;
    }
    // From here the stream owns the file: it is released when the stream ends, fails or
    // is destroyed (a client that goes away mid-file only ends this pipeline).
    streaming = true;
    await pipeline(file.read(range), res).catch(() => undefined);
  } finally {
    if (!streaming) await file.close();
  }
}

/** RFC 9110 13.1.2/13.1.3: If-None-Match wins; If-Modified-Since only without it. */
function notModified(req: IncomingMessage, etag: string, mtimeMs: number): boolean {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return false;
  const noneMatch = req.headers['if-none-match'];
  if (noneMatch !== undefined) {
    if (noneMatch.trim() === '*') return true;
    // Weak comparison, as the RFC prescribes for If-None-Match.
    const bare = etag.replace(/^W\//, '');
    return noneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
  }
  const since = req.headers['if-modified-since'];
  if (since === undefined) return false;
  const time = Date.parse(since);
  return Number.isFinite(time) && Math.floor(mtimeMs / 1000) * 1000 <= time;
}

type Range = { start: number; end: number };

/**
 * One `bytes=` range, inclusive. `undefined` means "send everything": no Range header,
 * a malformed one, several ranges, or an If-Range that no longer matches.
 */
function requestedRange(req: IncomingMessage, size: number, etag: string, lastModified: string): Range | 'unsatisfiable' | undefined {
  const header = req.headers.range;
  if (header === undefined) return undefined;
  const ifRange = req.headers['if-range'];
  if (typeof ifRange === 'string' && ifRange.trim() !== etag && ifRange.trim() !== lastModified) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
