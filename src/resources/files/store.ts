/**
 * Where uploaded files live. `FileStore` is the whole contract, so an S3-compatible engine
 * can replace the local folder later. Every engine keeps these invariants:
 *  - `path` has already passed checkFilePath (relative, no `.`/`..`, no backslash or NUL);
 *    the engine still never touches anything outside the project's own space.
 *  - `put` is all or nothing: readers see the old file or the whole new one, never a part;
 *    a body over `maxBytes` rejects with FileTooLarge and leaves nothing behind.
 *  - `open` returns `undefined` for a missing file (and for a "folder": only files exist).
 *  - `deleteProject` removes every file of the project; later opens return `undefined`.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { localFile, type FileBody } from '../../gateway/send-file.js';

export interface FileStore {
  put(project: string, path: string, body: Readable, maxBytes: number): Promise<{ size: number }>;
  open(project: string, path: string): Promise<FileBody | undefined>;
  deleteProject(project: string): Promise<void>;
}

export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is over ${maxBytes} bytes`);
  }
}

/**
 * Embedded engine: `<root>/<project>/data/<path>`. Uploads stream into
 * `<root>/<project>/tmp/` and are renamed into place, which is atomic on one file system.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async put(project: string, path: string, body: Readable, maxBytes: number): Promise<{ size: number }> {
    const target = this.locate(project, path);
    const tmpDir = join(this.root, project, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomBytes(12).toString('hex'));
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback(size > maxBytes ? new FileTooLarge(maxBytes) : null, chunk);
      },
    });
    try {
      await pipeline(body, limit, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      return { size };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async open(project: string, path: string): Promise<FileBody | undefined> {
    const target = this.locate(project, path);
    try {
      // Only regular files this store wrote: lstat, so no symlink is ever followed.
      if (!(await lstat(target)).isFile()) return undefined;
      const handle = await open(target, 'r');
      const stats = await handle.stat();
      return localFile(handle, stats);
    } catch {
      return undefined;
    }
  }

  async deleteProject(project: string): Promise<void> {
    await rm(join(this.root, project, 'data'), { recursive: true, force: true });
    await rm(join(this.root, project, 'tmp'), { recursive: true, force: true });
  }

  /** Belt and braces: even a path that slipped past checkFilePath stays inside `data/`. */
  private locate(project: string, path: string): string {
    const data = resolve(this.root, project, 'data');
    const target = resolve(data, path);
    if (!target.startsWith(data + sep)) throw new Error(`file path escapes the project's storage: ${path}`);
    return target;
  }
}
