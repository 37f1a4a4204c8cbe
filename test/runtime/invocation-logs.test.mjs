// The worker side of function logs (src/runtime/js/invocation-logs.ts), driven directly:
// what reaches the log thread's port, chunk by chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { InvocationLogs } from '../../dist/runtime/js/invocation-logs.js';
import { chunkText, ENTRY_SEPARATOR, formatEntry } from '../../dist/storage/logs.js';

function channel(t) {
  const { port1, port2 } = new MessageChannel();
  t.after(() => {
    port1.close();
    port2.close();
  });
  const received = () => {
    const chunks = [];
    let message;
    while ((message = receiveMessageOnPort(port1))) chunks.push(...message.message);
    return chunks;
  };
  /** The next batch posted, once it arrives. */
  const next = async () => (await once(port1, 'message'))[0];
  return { port: port2, received, next };
}

test('entries that end between two flushes travel joined, at most 256 to a chunk', async (t) => {
  const { port, received } = channel(t);
  const logs = new InvocationLogs('p', port);
  for (let n = 0; n < 600; n++) {
    const log = logs.open(`id-${n}`, 'sockets/demo/echo');
    log.write('start', '');
    log.write('info', `frame ${n}`);
    log.write('end', '0.01 ms', true);
  }
  // The first two chunks left when full; the rest waits for the flush.
  const early = received();
  assert.deepEqual(early.map((chunk) => chunk.count), [256, 256]);
  logs.flush();
  const chunks = [...early, ...received()];
  assert.deepEqual(chunks.map((chunk) => chunk.count), [256, 256, 88]);
  const entries = chunks.flatMap((chunk) => {
    assert.deepEqual([chunk.project, chunk.functionPath, chunk.requestId, chunk.final], ['p', 'sockets/demo/echo', '-', true]);
    return chunkText(chunk).split(ENTRY_SEPARATOR);
  });
  assert.equal(entries.length, 600);
  entries.forEach((entry, n) => {
    const lines = formatEntry(entry).split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], new RegExp(`^\\S+Z START id-${n}$`));
    assert.match(lines[1], new RegExp(`^\\S+Z INFO id-${n} frame ${n}$`));
    assert.match(lines[2], new RegExp(`^\\S+Z END id-${n} 0.01 ms$`));
  });
});

test('the entry that starts a chunk after a full one still leaves on the timer', async (t) => {
  const { port, received, next } = channel(t);
  const logs = new InvocationLogs('p', port);
  for (let n = 0; n <= 256; n++) logs.open(`id-${n}`, 'sockets/demo/echo').write('end', '0.01 ms', true);
  assert.deepEqual(received().map((chunk) => chunk.count), [256]);
  // Nothing else is written: only the flush timer can send entry 256.
  const last = await next();
  assert.deepEqual(last.map((chunk) => chunk.count), [1]);
  assert.match(formatEntry(chunkText(last[0])), /END id-256 0\.01 ms$/);
});

test('an invocation still running at a flush sends its lines so far, and its end later', (t) => {
  const { port, received } = channel(t);
  const logs = new InvocationLogs('p', port);
  const slow = logs.open('slow', 'apis/a/get');
  slow.write('start', '');
  slow.write('info', 'before');
  logs.flush();
  const [part] = received();
  assert.deepEqual([part.requestId, part.final], ['slow', false]);
  assert.match(formatEntry(chunkText(part)), /START slow\n.* INFO slow before$/);
  slow.write('warn', 'after');
  slow.write('end', '30.00 ms', true);
  logs.flush();
  const [last] = received();
  assert.deepEqual([last.requestId, last.final], ['slow', true]);
  assert.match(formatEntry(chunkText(last)), /WARN slow after\n.* END slow 30.00 ms$/);
});

test('a line outside any invocation is an entry of its own', (t) => {
  const { port, received } = channel(t);
  const logs = new InvocationLogs('p', port);
  logs.stray('sockets/demo/connect', 'warn', 'loaded');
  logs.flush();
  const [chunk] = received();
  assert.deepEqual([chunk.requestId, chunk.count], ['-', 1]);
  assert.match(formatEntry(chunkText(chunk)), /^\S+Z WARN - loaded$/);
  // A function's entries start in a small buffer, which grows with them: one entry does not take 64 KiB.
  assert.equal(chunk.text.buffer.byteLength, 4096);
});

test('joined entries keep any text, and one larger than a chunk leaves alone, in order', (t) => {
  const { port, received } = channel(t);
  const logs = new InvocationLogs('p', port);
  const write = (id, message) => {
    const log = logs.open(id, 'sockets/demo/echo');
    log.write('info', message);
    log.write('end', '0.01 ms', true);
  };
  write('a', `café ☕ 😀 \u4e2d ${'y'.repeat(1000)}`);
  // Just under the 64 KiB of a chunk in UTF-8 (3 bytes each), though its length in characters is a third
  // of that: it does not fit behind 'a' and starts a chunk.
  write('b', '\u4e2d'.repeat(21_800));
  write('c', 'x'.repeat(70_000));
  write('d', 'after');
  logs.flush();
  const chunks = received();
  const entries = chunks.flatMap((chunk) => chunkText(chunk).split(ENTRY_SEPARATOR).map((entry) => formatEntry(entry)));
  assert.deepEqual(entries.map((entry) => entry.split(' ')[2]), ['a', 'b', 'c', 'd']);
  assert.ok(entries[0].includes(` INFO a café ☕ 😀 \u4e2d ${'y'.repeat(1000)}\n`));
  assert.ok(entries[1].includes(`INFO b ${'\u4e2d'.repeat(21_800)}\n`));
  assert.ok(entries[2].includes(`INFO c ${'x'.repeat(70_000)}\n`));
  // The entry larger than a chunk went as text, on its own; every other chunk is bytes.
  assert.deepEqual(chunks.map((chunk) => [typeof chunk.text, chunk.count]), [['object', 1], ['object', 1], ['string', 1], ['object', 1]]);
});
