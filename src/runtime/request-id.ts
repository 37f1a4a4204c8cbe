/**
 * Request ids: what a client sees in a 500 body or an `internal_error` frame, and what the
 * log lines of that invocation carry. UUID-shaped (8-4-4-4-12 hex): random in the first 74
 * bits, fixed per server process, then a counter. One is made per invocation, so it must be
 * cheap: `crypto.randomUUID()` costs about twice the time and leaves about 600 bytes of
 * garbage per call on the thread that holds the sockets. Ids are correlation ids, not
 * secrets: that they are sequential within one run does not matter.
 */
import { randomBytes } from 'node:crypto';

const random = randomBytes(10).toString('hex');
// Version 4 and variant 10xx digits, so tools that check the shape of a UUID accept it.
const variant = ((parseInt(random[15]!, 16) & 0x3) | 0x8).toString(16);
const prefix = `${random.slice(0, 8)}-${random.slice(8, 12)}-4${random.slice(12, 15)}-${variant}${random.slice(16, 19)}-`;
let counter = 0;

export function newRequestId(): string {
  counter = (counter + 1) % 0x1000000000000;
  return prefix + counter.toString(16).padStart(12, '0');
}
