/**
 * Frames between the server and a Python worker process: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON holding an array of messages (one batch).
 * openless_worker/channel.py is the other end. A length prefix (rather than newline-
 * delimited JSON) lets a frame be cut anywhere by the pipe and keeps parsing to one
 * JSON.parse per batch.
 */

/** A frame larger than this means the stream is corrupt (a result is at most a 6 MB body, base64-encoded). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export function encodeFrame(batch: unknown[]): Buffer {
  const json = JSON.stringify(batch);
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(4 + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, 4, 'utf8');
  return frame;
}

export class FrameError extends Error {}

/** Reassembles frames from the chunks a pipe delivers. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the frame being received needs in all (header included), once its header is known. */
  private needed = 4;

  /** The batches completed by this chunk, in order. Throws FrameError on a corrupt stream. */
  push(chunk: Buffer): unknown[][] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return [];
    let data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const batches: unknown[][] = [];
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (length > MAX_FRAME_BYTES) throw new FrameError(`a frame of ${length} bytes is over the ${MAX_FRAME_BYTES}-byte limit`);
      if (data.length - offset - 4 < length) {
        this.needed = 4 + length;
        break;
      }
      let batch: unknown;
      try {
        batch = JSON.parse(data.toString('utf8', offset + 4, offset + 4 + length));
      } catch (error) {
        throw new FrameError(`a frame is not valid JSON (${(error as Error).message})`);
      }
      if (!Array.isArray(batch)) throw new FrameError('a frame does not hold an array of messages');
      batches.push(batch);
      offset += 4 + length;
    }
    data = data.subarray(offset);
    if (data.length < 4) this.needed = 4;
    this.chunks = data.length > 0 ? [data] : [];
    this.buffered = data.length;
    return batches;
  }
}
