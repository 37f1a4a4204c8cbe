/**
 * File storage of every project (SPEC 2.5): signed URLs for the SDK, and the HTTP side of
 * `/<project>/files/<path>` — signed PUT stores, signed GET/HEAD reads, `public/…` reads
 * without a signature. What users can rely on is written in docs/files.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isLessError } from '../../errors.js';
import { sendJson } from '../../gateway/http-reply.js';
import { sendFile } from '../../gateway/send-file.js';
import { contentTypeOf } from '../statics/content-types.js';
import { checkFilePath, decodePath, encodePath, isPublic } from './paths.js';
import { FileSecrets } from './secrets.js';
import { checkExpiresIn, refusalOf, signedQuery, type SignedMethod } from './signing.js';
import { FileTooLarge, LocalFileStore, type FileStore } from './store.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface FileServiceOptions {
  /** `$LESS_HOME`: keys and (with the embedded engine) files live in `<home>/files/<project>/`. */
  home: string;
  /** Scheme, host and port clients reach this server at, e.g. `http://localhost:8000`. */
  baseUrl: () => string;
  maxUploadBytes?: number;
  store?: FileStore;
  now?: () => number;
}

const CORS = { 'Access-Control-Allow-Origin': '*' };
const ALLOW = 'GET, HEAD, PUT, OPTIONS';

/** `LESS_FILES_MAX_BYTES` (docs/configuration.md), else 100 MiB. */
export function maxUploadBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LESS_FILES_MAX_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_UPLOAD_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`LESS_FILES_MAX_BYTES=${raw} is not a positive whole number of bytes — unset it or give e.g. LESS_FILES_MAX_BYTES=${DEFAULT_MAX_UPLOAD_BYTES}`);
  }
  return value;
}

export class FileService {
  readonly maxUploadBytes: number;
  private readonly store: FileStore;
  private readonly secrets: FileSecrets;
  private readonly now: () => number;

  constructor(private readonly options: FileServiceOptions) {
    const root = join(options.home, 'files');
    this.store = options.store ?? new LocalFileStore(root);
    this.secrets = new FileSecrets(root);
    this.maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** `files.create_upload_url` (PUT) and `files.get_url` (GET): rejects with a LessError naming the broken rule. */
  async signedUrl(project: string, method: SignedMethod, path: unknown, expiresIn: unknown): Promise<string> {
    const what = method === 'PUT' ? 'files.create_upload_url' : 'files.get_url';
    const checked = checkFilePath(path, what);
    const seconds = checkExpiresIn(expiresIn, what);
    const secret = (await this.secrets.get(project, true))!;
    const query = signedQuery(secret, method, project, checked, seconds, this.now());
    return `${this.options.baseUrl()}/${project}/files/${encodePath(checked)}?${query}`;
  }

  /** Every file and the signing key of the project (so old URLs stay dead after a redeploy). */
  async deleteProject(project: string): Promise<void> {
    await this.store.deleteProject(project);
    await this.secrets.delete(project);
    // The project's folder itself, once both have emptied it (an S3 store leaves nothing here).
    await rmdir(join(this.options.home, 'files', project)).catch(() => undefined);
  }

  /** `rest`: the raw URL path segments after `/<project>/files`. */
  async serve(req: IncomingMessage, res: ServerResponse, project: string, rest: string[], search: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return preflight(req, res);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
      return sendJson(res, 405, { error: 'Method Not Allowed', message: `file URLs answer ${ALLOW}` }, { ...CORS, Allow: ALLOW });
    }
    let path: string;
    try {
      path = decodePath(rest);
    } catch (error) {
      if (!isLessError(error)) throw error;
      return sendJson(res, 400, { error: 'Bad Request', code: error.code, message: error.message }, CORS);
    }
    const signedFor: SignedMethod = method === 'PUT' ? 'PUT' : 'GET';
    const open = signedFor === 'GET' && isPublic(path);
    if (!open) {
      const secret = await this.secrets.get(project, false);
      const refusal = refusalOf(secret, signedFor, project, path, new URLSearchParams(search), this.now());
      if (refusal) return sendJson(res, 403, { error: 'Forbidden', ...refusal }, CORS);
    }
    if (method === 'PUT') return this.upload(req, res, project, path);

    const file = await this.store.open(project, path);
    if (!file) return sendJson(res, 404, { error: 'Not Found', message: `no file "${path}" in project "${project}"` }, CORS);
    return sendFile(req, res, {
      file,
      contentType: contentTypeOf(path),
      cacheControl: open ? 'public, no-cache' : 'private, no-cache',
      // Uploaded HTML must not run as this server's origin (it also serves the APIs).
      headers: { ...CORS, 'Content-Security-Policy': 'sandbox' },
    });
  }

  private async upload(req: IncomingMessage, res: ServerResponse, project: string, path: string): Promise<void> {
    const max = this.maxUploadBytes;
    const tooLarge = () => {
      // The rest of the body is not read: the connection closes after this answer.
      sendJson(res, 413, { error: 'Payload Too Large', code: 'files_too_large', message: `files are at most ${max} bytes` }, { ...CORS, Connection: 'close' });
      req.resume();
    };
    if (Number(req.headers['content-length']) > max) return tooLarge();
    // The store may destroy what it reads on failure; `req` itself must survive to be answered.
    const body = new PassThrough();
    // pipe() does not pass on a client that goes away mid-body: without this the store would
    // wait for the rest forever, holding its temporary file open. It may already have gone
    // while the signature was checked.
    const abandoned = () => {
      if (!req.complete) body.destroy(new Error('the client closed the connection mid-upload'));
    };
    if (req.destroyed) abandoned();
    else req.once('close', abandoned);
    req.pipe(body);
    try {
      const { size } = await this.store.put(project, path, body, max);
      return sendJson(res, 200, { path, size }, CORS);
    } catch (error) {
      req.unpipe(body);
      if (error instanceof FileTooLarge) return tooLarge();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
        req.resume();
        return sendJson(res, 409, { error: 'Conflict', code: 'files_path_conflict', message: `"${path}" clashes with an existing file or folder (a path cannot be both)` }, CORS);
      }
      if (code === 'ENAMETOOLONG') {
        req.resume();
        return sendJson(res, 400, { error: 'Bad Request', code: 'files_invalid_path', message: `a segment of "${path}" is too long for the file system (at most 255 bytes each)` }, CORS);
      }
      if (req.socket.destroyed) return; // the client went away mid-upload: nothing was stored
      throw error;
    } finally {
      req.off('close', abandoned);
    }
  }
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...CORS,
    'Access-Control-Allow-Methods': ALLOW,
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}
