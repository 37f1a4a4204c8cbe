/**
 * Signed file URLs: `?expires=<unix seconds>&signature=<hex>` where the signature is
 * HMAC-SHA256, keyed by the project's secret, over
 *
 *   <METHOD> \n <project> \n <path> \n <expires>
 *
 * (none of the parts can hold a newline, so the message is unambiguous). A URL signed for
 * GET does not allow PUT and the other way round. Pure functions: time is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LessError } from '../../errors.js';

export type SignedMethod = 'GET' | 'PUT';

export const DEFAULT_EXPIRES_IN = 3600;
/** Seven days, the longest an S3 pre-signed URL lives. */
export const MAX_EXPIRES_IN = 7 * 24 * 3600;

export type Refusal = { code: 'files_signature_missing' | 'files_signature_invalid' | 'files_signature_method' | 'files_url_expired'; message: string };

export function signatureOf(secret: Buffer, method: SignedMethod, project: string, path: string, expires: number): string {
  return createHmac('sha256', secret).update(`${method}\n${project}\n${path}\n${expires}`).digest('hex');
}

/** `expires_in` as given to the SDK (undefined → the default), checked. */
export function checkExpiresIn(value: unknown, what: string): number {
  if (value === undefined || value === null) return DEFAULT_EXPIRES_IN;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_IN) {
    throw new LessError('files_invalid_expiry', `${what}: expires_in must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days), got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/** The query string of a URL valid for at least `expiresIn` seconds from `nowMs`. */
export function signedQuery(secret: Buffer, method: SignedMethod, project: string, path: string, expiresIn: number, nowMs: number): string {
  const expires = Math.ceil(nowMs / 1000) + expiresIn;
  return `expires=${expires}&signature=${signatureOf(secret, method, project, path, expires)}`;
}

/** `undefined` when the URL's query allows `method` on `path` at `nowMs`, else why not. */
export function refusalOf(
  secret: Buffer | undefined,
  method: SignedMethod,
  project: string,
  path: string,
  query: URLSearchParams,
  nowMs: number,
): Refusal | undefined {
  const signature = query.get('signature');
  const expiresText = query.get('expires');
  if (signature === null || expiresText === null) {
    return { code: 'files_signature_missing', message: `${method === 'PUT' ? 'uploading' : 'reading'} this file needs a signed URL (expires and signature) from files.${method === 'PUT' ? 'create_upload_url' : 'get_url'}` };
  }
  const expires = /^\d{1,15}$/.test(expiresText) ? Number(expiresText) : NaN;
  const matches = (signedFor: SignedMethod) =>
    secret !== undefined && Number.isFinite(expires) && sameHex(signature, signatureOf(secret, signedFor, project, path, expires));
  if (!matches(method)) {
    const other: SignedMethod = method === 'PUT' ? 'GET' : 'PUT';
    if (matches(other)) {
      return { code: 'files_signature_method', message: `this URL was signed for ${other}, not ${method}; use files.${method === 'PUT' ? 'create_upload_url' : 'get_url'}` };
    }
    return { code: 'files_signature_invalid', message: 'the signature does not match this project, path and expiry (was the URL changed?)' };
  }
  if (nowMs >= expires * 1000) {
    return { code: 'files_url_expired', message: `this URL expired at ${new Date(expires * 1000).toISOString()}; ask for a new one` };
  }
  return undefined;
}

function sameHex(given: string, expected: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'));
}
