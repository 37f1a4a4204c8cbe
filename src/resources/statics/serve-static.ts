/**
 * Static websites (SPEC 2.5 and 4): `less/statics/<site>/` of the deployed snapshot at
 * `/<project>/statics/<site>/…`. What users can rely on is written in docs/statics.md.
 *
 * Never a byte outside the site folder: a URL segment is decoded once and refused when it
 * is empty, `.` or `..`, or holds `/`, `\` or NUL (so `%2e%2e` and `%2f` cannot climb), and
 * the file found is resolved with realpath and must still lie inside the site's own real
 * folder (so a symlink pointing out of the site serves nothing). Hidden names (`.x`) are not
 * served either, except `.well-known`. Refusals look exactly like missing files: 404.
 */
import { open, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import type { Deployment } from '../../deploy/build.js';
import { sendJson } from '../../gateway/http-reply.js';
import { localFile, sendFile, type FileBody } from '../../gateway/send-file.js';
import type { StaticSite } from '../../project/types.js';
import type { LiveProject } from '../../server/live-project.js';
import { contentTypeOf } from './content-types.js';

/** A file of this name at the top of a site turns on the single-page-app fallback. */
export const SPA_MARKER = '.openless-spa';
/** Every answer is revalidated (ETag → 304), so a redeploy shows at the next load. */
const CACHE_CONTROL = 'no-cache';
const ALLOW = 'GET, HEAD';

interface Site {
  /** The site folder with every symlink resolved. */
  root: string;
  spa: boolean;
}

/** Per deployment, resolved once: snapshots never change, a redeploy is a new Deployment. */
const sites = new WeakMap<Deployment, Map<string, Promise<Site>>>();

function siteOf(deployment: Deployment, site: StaticSite): Promise<Site> {
  let known = sites.get(deployment);
  if (!known) sites.set(deployment, (known = new Map()));
  let found = known.get(site.name);
  if (!found) {
    found = (async () => {
      const root = await realpath(join(deployment.dir, site.path));
      const spa = await stat(join(root, SPA_MARKER)).then((s) => s.isFile(), () => false);
      return { root, spa };
    })();
    // A failure (the folder of a retired deployment is gone) is not remembered.
    found.catch(() => known.delete(site.name));
    known.set(site.name, found);
  }
  return found;
}

/**
 * `rest`: the raw URL path segments after `/<project>/statics/<site>`; `[]` for the site URL
 * without its slash, a trailing `''` for a directory URL.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  live: LiveProject,
  siteName: string,
  rest: string[],
  urlPath: string,
  search: string,
): Promise<void> {
  const site = live.deployment.project.statics.find((s) => s.name === siteName);
  if (!site) return sendJson(res, 404, { error: 'Not Found', message: `project "${live.name}" has no static site "${siteName}"` });
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    return sendJson(res, 405, { error: 'Method Not Allowed', message: `static sites answer ${ALLOW} only` }, { Allow: ALLOW });
  }
  // The site's own URL without a slash: relative links in index.html need the slash form.
  if (rest.length === 0) return redirect(res, `${urlPath}/${search}`);

  const wanted = decodeSegments(rest);
  const notFound = () => sendNotFound(req, res, live, site, siteName);
  if (!wanted) return notFound();
  let root: string;
  try {
    root = (await siteOf(live.deployment, site)).root;
  } catch {
    return notFound();
  }
  const found = await openInside(root, wanted.segments);
  if (found === 'directory') {
    if (!wanted.directory) return redirect(res, `${urlPath}/${search}`);
    const index = await openInside(root, [...wanted.segments, 'index.html']);
    if (index && index !== 'directory') return send(req, res, index, 'index.html');
    return notFound();
  }
  if (found && !wanted.directory) return send(req, res, found, wanted.segments.at(-1)!);
  if (found) await found.close();

  const last = wanted.segments.at(-1) ?? '';
  const spa = await siteOf(live.deployment, site).then((s) => s.spa, () => false);
  if (spa && !last.includes('.')) {
    const index = await openInside(root, ['index.html']);
    if (index && index !== 'directory') return send(req, res, index, 'index.html');
  }
  return notFound();
}

function send(req: IncomingMessage, res: ServerResponse, file: FileBody, name: string, status = 200): Promise<void> {
  return sendFile(req, res, { file, contentType: contentTypeOf(name), cacheControl: CACHE_CONTROL, status });
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(301, { Location: location, 'Content-Length': 0, 'Cache-Control': CACHE_CONTROL });
  res.end();
}

/** The site's own `404.html` when it has one, else a JSON 404 like the rest of the server. */
async function sendNotFound(req: IncomingMessage, res: ServerResponse, live: LiveProject, site: StaticSite, siteName: string): Promise<void> {
  const root = await siteOf(live.deployment, site).then((s) => s.root, () => undefined);
  const page = root === undefined ? undefined : await openInside(root, ['404.html']);
  if (page && page !== 'directory') return send(req, res, page, '404.html', 404);
  return sendJson(res, 404, { error: 'Not Found', message: `no such file in static site "${siteName}"` });
}

/** `undefined` when any segment is not a plain, visible name (refused as if missing). */
function decodeSegments(rest: string[]): { segments: string[]; directory: boolean } | undefined {
  const directory = rest.at(-1) === '';
  const raw = directory ? rest.slice(0, -1) : rest;
  const segments: string[] = [];
  for (const part of raw) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (name === '' || name.includes('/') || name.includes('\\') || name.includes('\0')) return undefined;
    if (name.startsWith('.') && name !== '.well-known') return undefined; // also `.` and `..`
    segments.push(name);
  }
  return { segments, directory };
}

/**
 * Opens `root/segments…` when its real path (symlinks resolved) is inside `root`:
 * a regular file, `'directory'`, or `undefined` for anything else or anything outside.
 */
async function openInside(root: string, segments: string[]): Promise<FileBody | 'directory' | undefined> {
  let real: string;
  try {
    real = await realpath(join(root, ...segments));
  } catch {
    return undefined;
  }
  if (real !== root && !real.startsWith(root + sep)) return undefined;
  try {
    // stat before open: opening a FIFO or device would block or worse.
    const kind = await stat(real);
    if (kind.isDirectory()) return 'directory';
    if (!kind.isFile()) return undefined;
    const handle = await open(real, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new Error('replaced meanwhile');
      return localFile(handle, stats);
    } catch {
      await handle.close();
      return undefined;
    }
  } catch {
    return undefined;
  }
}
