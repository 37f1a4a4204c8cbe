// The frames between the server and a Python worker survive any cut the pipe makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, FrameError, MAX_FRAME_BYTES } from '../../dist/runtime/python/framing.js';

test('frames cut at every byte boundary, or glued together, decode to the same batches', () => {
  const batches = [[{ t: 'result', id: 1, ok: true, value: 'ü€ and "quotes"' }], [], [{ t: 'publish', socket: 's', messageJson: '"x"', ids: ['a'] }, { t: 'pong', id: 2 }]];
  const stream = Buffer.concat(batches.map((batch) => encodeFrame(batch)));
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new FrameDecoder();
    assert.deepEqual([...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))], batches, `cut at ${cut}`);
  }
  const decoder = new FrameDecoder();
  const received = [];
  for (const byte of stream) received.push(...decoder.push(Buffer.from([byte])));
  assert.deepEqual(received, batches, 'one byte at a time');
});

test('a corrupt stream is an error, not a hang', () => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(MAX_FRAME_BYTES + 1);
  assert.throws(() => new FrameDecoder().push(header), FrameError);
  const notJson = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')]);
  assert.throws(() => new FrameDecoder().push(notJson), FrameError);
  const notArray = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{}')]);
  assert.throws(() => new FrameDecoder().push(notArray), FrameError);
});
