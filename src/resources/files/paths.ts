/**
 * The one rule for file paths, applied to SDK calls and to URLs alike. Only the normal
 * form is accepted (nothing is silently rewritten), so one file has exactly one path and
 * one signature: relative, `/`-separated, no empty, `.` or `..` segment, no backslash or
 * control character, at most 1024 bytes of UTF-8.
 */
import { LessError } from '../../errors.js';

export const MAX_PATH_BYTES = 1024;
/** Readable with a plain GET, without a signature. */
export const PUBLIC_PREFIX = 'public/';
const EXAMPLE = "e.g. 'avatars/42.png'";

/** Returns the path when it follows the rule, else throws `files_invalid_path` naming the rule broken. */
export function checkFilePath(path: unknown, what = 'files'): string {
  const fail = (rule: string) => {
    throw new LessError('files_invalid_path', `${what}: the path ${typeof path === 'string' ? JSON.stringify(path) : 'given'} ${rule}`);
  };
  if (typeof path !== 'string' || path === '') return fail(`must be a non-empty string, ${EXAMPLE}`);
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return fail(`is over ${MAX_PATH_BYTES} bytes`);
  if (/[\u0000-\u001f\u007f]/.test(path)) return fail('must not contain control characters (NUL, newline, …)');
  if (path.includes('\\')) return fail(`must use / between folders, not \\, ${EXAMPLE}`);
  if (path.startsWith('/')) return fail(`must be relative (no leading /), ${EXAMPLE}`);
  for (const segment of path.split('/')) {
    if (segment === '') return fail(`must not have empty segments (// or a trailing /), ${EXAMPLE}`);
    if (segment === '.' || segment === '..') return fail(`must not contain . or .. segments, ${EXAMPLE}`);
  }
  return path;
}

export function isPublic(path: string): boolean {
  return path.startsWith(PUBLIC_PREFIX);
}

/** The URL form of a checked path: each segment percent-encoded. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * A checked path from the raw URL segments after `/<project>/files/`. An encoded `/`
 * (`%2F`) is refused rather than read as a separator: it would give one file two URLs.
 */
export function decodePath(rest: string[]): string {
  const segments = rest.map((part) => {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      throw new LessError('files_invalid_path', `the URL path segment "${part}" is not valid percent-encoding`);
    }
    if (segment.includes('/')) throw new LessError('files_invalid_path', `the URL path segment "${part}" encodes a / (%2F); use a plain / between folders`);
    return segment;
  });
  return checkFilePath(segments.join('/'), 'the URL');
}
