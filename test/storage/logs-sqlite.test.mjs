import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTick } from 'node:timers/promises';
import { openDatabase } from '../../dist/storage/database.js';
import { encodeLine, encodeNextLine, ENTRY_SEPARATOR, formatEntry, formatLogLine, LINE_SEPARATOR } from '../../dist/storage/logs.js';
import { SqliteLogStore, MAX_MESSAGE_BYTES } from '../../dist/storage/sqlite/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'openless-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ts = Date.UTC(2026, 10, 27, 17, 40, 21, 123);
// A stored entry holds lines in stored form; these tests store one INFO line per entry unless told.
const rec = ({ level = 'info', message = 'hello', requestId = 'req-1', ...over } = {}) => ({
  ts, project: 'p', functionPath: 'sockets/demo/connect', text: encodeLine(ts, level, requestId, message), ...over,
});

function open(options) {
  const db = openDatabase(join(dir, `${Math.random().toString(36).slice(2)}.db`));
  const logs = new SqliteLogStore(db, options);
  return { db, logs, done: () => (logs.close(), db.close()) };
}

test('formatLogLine: <iso> <LEVEL> <requestId>[ <message>], newlines kept', () => {
  const rec = (over = {}) => ({ ts, requestId: 'req-1', level: 'info', message: 'hello', ...over });
  assert.equal(formatLogLine(rec({ level: 'start', message: '' })), '2026-11-27T17:40:21.123Z START req-1');
  assert.equal(formatLogLine(rec({ level: 'end', message: '1.84 ms' })), '2026-11-27T17:40:21.123Z END req-1 1.84 ms');
  assert.equal(formatLogLine(rec()), '2026-11-27T17:40:21.123Z INFO req-1 hello');
  assert.equal(formatLogLine(rec({ level: 'warn', message: 'careful' })), '2026-11-27T17:40:21.123Z WARN req-1 careful');
  assert.equal(
    formatLogLine(rec({ level: 'error', message: 'Error: boom\n    at x (a.js:1:1)' })),
    '2026-11-27T17:40:21.123Z ERROR req-1 Error: boom\n    at x (a.js:1:1)',
  );
});

test('append is buffered, stored on the next tick, and read sees buffered records', async () => {
  const { db, logs, done } = open();
  logs.append(rec({ level: 'start', message: '' }));
  logs.append(rec({ message: "it's" }));
  const count = () => db.prepare('SELECT coalesce(sum(count), 0) AS n FROM log_batches').get().n;
  assert.equal(count(), 0, 'nothing written synchronously');
  await nextTick();
  assert.equal(count(), 2, 'one tick later the batch is stored');
  assert.equal(db.prepare('SELECT count(*) AS n FROM log_batches').get().n, 1, 'as one row');
  logs.append(rec({ level: 'end', message: '1.84 ms' }));
  const entries = logs.read('p', 'sockets/demo/connect');
  assert.deepEqual(entries.map((e) => e.line.split(' ').slice(1).join(' ')), ['START req-1', "INFO req-1 it's", 'END req-1 1.84 ms']);
  assert.ok(entries[0].id < entries[1].id && entries[1].id < entries[2].id);
  assert.deepEqual(logs.read('p', 'other/path'), []);
  done();
});

test('read: tail returns the newest N oldest-first; afterId resumes', () => {
  const { logs, done } = open();
  for (let i = 0; i < 10; i++) logs.append(rec({ message: `m${i}` }));
  const all = logs.read('p', 'sockets/demo/connect');
  assert.equal(all.length, 10);
  const msg = (entries) => entries.map((e) => e.line.split(' ').at(-1));
  assert.deepEqual(msg(logs.read('p', 'sockets/demo/connect', { tail: 3 })), ['m7', 'm8', 'm9']);
  assert.deepEqual(msg(logs.read('p', 'sockets/demo/connect', { afterId: all[7].id })), ['m8', 'm9']);
  done();
});

test('subscribe sees entries after they are stored, per function path; unsubscribe stops it', async () => {
  const { logs, done } = open();
  const seen = [];
  const storedWhenSeen = [];
  const unsubscribe = logs.subscribe('p', 'sockets/demo/connect', (entry) => {
    seen.push(entry);
    storedWhenSeen.push(logs.read('p', 'sockets/demo/connect').some((e) => e.id === entry.id));
  });
  logs.subscribe('p', 'sockets/demo/connect', () => {
    throw new Error('a broken follower');
  });
  logs.append(rec({ message: 'one' }));
  logs.append(rec({ functionPath: 'apis/demo/hello/post', message: 'elsewhere' }));
  assert.equal(seen.length, 0, 'not before it is stored');
  await nextTick();
  assert.deepEqual(seen.map((e) => e.line), ['2026-11-27T17:40:21.123Z INFO req-1 one']);
  assert.deepEqual(storedWhenSeen, [true]);
  unsubscribe();
  logs.append(rec({ message: 'two' }));
  logs.flush();
  assert.equal(seen.length, 1);
  done();
});

test('entries per function path are bounded; trimming is batched, not per append', () => {
  const { db, logs, done } = open({ maxLinesPerFunction: 50, trimEvery: 20 });
  const stored = (fp) => db.prepare('SELECT coalesce(sum(count), 0) AS n FROM log_batches WHERE function_path = ?').get(fp).n;
  let most = 0;
  for (let i = 0; i < 200; i++) {
    logs.append(rec({ message: `m${i}` }));
    logs.flush(); // one row per entry: the worst case for trimming
    most = Math.max(most, stored('sockets/demo/connect'));
  }
  assert.equal(most, 50 + 20 - 1, 'entries pile up between trims, and never beyond N + trimEvery - 1');
  logs.append(rec({ functionPath: 'other', message: 'kept' }));
  const tail = logs.read('p', 'sockets/demo/connect', { tail: 1000 });
  assert.equal(tail.length, 50, 'read never exceeds the bound');
  assert.ok(tail.at(-1).line.endsWith(' m199'));
  assert.ok(tail[0].line.endsWith(' m150'));
  assert.equal(logs.read('p', 'other').length, 1, 'other paths untouched');
  done();
});

test('many entries flushed together share a row and keep their order and ids', () => {
  const { db, logs, done } = open();
  for (let i = 0; i < 1500; i++) logs.append(rec({ message: `m${i}` }));
  logs.flush();
  assert.equal(db.prepare('SELECT count(*) AS n FROM log_batches').get().n, 2, '1500 entries: a full row and a partial one');
  const all = logs.read('p', 'sockets/demo/connect', { tail: 2000 });
  assert.equal(all.length, 1500);
  assert.ok(all.every((e, i) => e.line.endsWith(` m${i}`) && (i === 0 || e.id > all[i - 1].id)));
  assert.deepEqual(logs.read('p', 'sockets/demo/connect', { afterId: all[1497].id }).map((e) => e.line.split(' ').at(-1)), ['m1498', 'm1499']);
  done();
});

test('an invocation with several lines is one entry, read back line for line with ISO timestamps', () => {
  const { logs, done } = open();
  const text = [
    encodeLine(ts, 'start', 'req-1', ''),
    encodeLine(ts, 'error', 'req-1', 'Error: boom\n    at x (a.js:1:1)'),
    encodeLine(ts + 2, 'end', 'req-1', '2.00 ms'),
  ].join(LINE_SEPARATOR);
  logs.append({ ts, project: 'p', functionPath: 'f', text });
  assert.deepEqual(
    logs.read('p', 'f').map((e) => e.line),
    [
      [
        '2026-11-27T17:40:21.123Z START req-1',
        '2026-11-27T17:40:21.123Z ERROR req-1 Error: boom\n    at x (a.js:1:1)',
        '2026-11-27T17:40:21.125Z END req-1 2.00 ms',
      ].join('\n'),
    ],
  );
  done();
});

test('separator characters in a message cannot split an entry or a line', () => {
  const { logs, done } = open();
  logs.append(rec({ message: 'a\u001eb\u001fc' }));
  logs.append(rec({ message: 'next' }));
  assert.deepEqual(
    logs.read('p', 'sockets/demo/connect').map((e) => e.line),
    ['2026-11-27T17:40:21.123Z INFO req-1 a b c', '2026-11-27T17:40:21.123Z INFO req-1 next'],
  );
  assert.equal(formatEntry(encodeLine(ts, 'warn', 'r', 'x')), '2026-11-27T17:40:21.123Z WARN r x');
  done();
});

test('short lines read back with the time and request id of the full line before them', () => {
  const { logs, done } = open();
  const text = [
    encodeLine(ts, 'start', 'req-1', ''),
    encodeNextLine(0, 'info', 'Message: "+1 INFO x"'),
    encodeNextLine(2, 'error', 'Error: boom\n    at x (a.js:1:1)'),
    encodeNextLine(3, 'end', '3.10 ms'),
    // A later chunk of the same invocation starts with a full line again.
    encodeLine(ts + 1000, 'info', 'req-1', 'late'),
    encodeNextLine(1, 'warn', 'a\u001eb'),
  ].join(LINE_SEPARATOR);
  logs.append(rec({ text }));
  assert.deepEqual(logs.read('p', 'sockets/demo/connect').map((e) => e.line), [
    [
      '2026-11-27T17:40:21.123Z START req-1',
      '2026-11-27T17:40:21.123Z INFO req-1 Message: "+1 INFO x"',
      '2026-11-27T17:40:21.125Z ERROR req-1 Error: boom',
      '    at x (a.js:1:1)',
      '2026-11-27T17:40:21.126Z END req-1 3.10 ms',
      '2026-11-27T17:40:22.123Z INFO req-1 late',
      '2026-11-27T17:40:22.124Z WARN req-1 a b',
    ].join('\n'),
  ]);
  // Without a full line before it, a short line is shown as stored.
  assert.equal(formatEntry(encodeNextLine(5, 'info', 'x')), '+5 INFO x');
  done();
});

test('a huge entry is cut at 256 KiB with a marker, never inside a character', () => {
  const { logs, done } = open();
  logs.append(rec({ message: 'é'.repeat(MAX_MESSAGE_BYTES) }));
  const [entry] = logs.read('p', 'sockets/demo/connect');
  const message = entry.line.slice('2026-11-27T17:40:21.123Z INFO req-1 '.length);
  assert.ok(message.endsWith('… [truncated]'));
  assert.ok(Buffer.byteLength(message) <= MAX_MESSAGE_BYTES);
  assert.ok(!message.includes('\uFFFD'));
  done();
});

test('an invocation with one huge line keeps its START, its other lines and its END; the huge line is cut', () => {
  const { logs, done } = open();
  const text = [
    encodeLine(ts, 'start', 'req-1', ''),
    encodeNextLine(0, 'info', 'before'),
    encodeNextLine(1, 'info', 'é'.repeat(MAX_MESSAGE_BYTES)),
    encodeNextLine(2, 'info', 'after'),
    encodeNextLine(2, 'end', '3.00 ms'),
  ].join(LINE_SEPARATOR);
  logs.append({ ts, project: 'p', functionPath: 'f', text });
  const [entry] = logs.read('p', 'f');
  const lines = entry.line.split('\n');
  assert.equal(lines.length, 5);
  assert.equal(lines[0], '2026-11-27T17:40:21.123Z START req-1');
  assert.equal(lines[1], '2026-11-27T17:40:21.123Z INFO req-1 before');
  assert.match(lines[2], /^2026-11-27T17:40:21\.124Z INFO req-1 é+… \[truncated\]$/);
  assert.equal(lines[3], '2026-11-27T17:40:21.125Z INFO req-1 after');
  assert.equal(lines[4], '2026-11-27T17:40:21.125Z END req-1 3.00 ms');
  assert.ok(!entry.line.includes('\uFFFD'));
  done();
});

test('records are joined into a row only up to 64 K characters: a large one is a row by itself', () => {
  const { db, logs, done } = open();
  const chunk = (from) => Array.from({ length: 256 }, (_, i) => encodeLine(ts, 'info', `req-${from + i}`, `m${from + i} ${'x'.repeat(250)}`));
  const chunks = [chunk(0), chunk(256)];
  for (const entries of chunks) logs.append({ ts, project: 'p', functionPath: 'f', text: entries.join(ENTRY_SEPARATOR), count: entries.length });
  for (let i = 512; i < 515; i++) logs.append({ ts, project: 'p', functionPath: 'f', text: encodeLine(ts, 'info', `req-${i}`, `m${i}`) });
  logs.flush();
  assert.deepEqual(db.prepare('SELECT count FROM log_batches ORDER BY id').all().map((row) => row.count), [256, 256, 3]);
  const all = logs.read('p', 'f', { tail: 1000 });
  assert.equal(all.length, 515);
  assert.ok(all.every((e, i) => e.line.includes(` m${i}`) && (i === 0 || e.id > all[i - 1].id)), 'every entry, in order, ids increasing');
  done();
});

test('a joined record longer than the limit keeps its entries whole; only a huge entry in it is cut', () => {
  const { logs, done } = open();
  // 400 entries of 300 characters: 120,000 characters in all, each far below the limit.
  const entries = Array.from({ length: 400 }, (_, i) => encodeLine(ts, 'info', `req-${i}`, String(i % 10).repeat(300)));
  logs.append({ ts, project: 'p', functionPath: 'f', text: entries.join(ENTRY_SEPARATOR), count: entries.length });
  const huge = encodeLine(ts, 'info', 'req-huge', 'é'.repeat(MAX_MESSAGE_BYTES));
  logs.append({ ts, project: 'p', functionPath: 'f', text: [entries[0], huge, entries[1]].join(ENTRY_SEPARATOR), count: 3 });
  const lines = logs.read('p', 'f').map((entry) => entry.line);
  assert.equal(lines.length, 403);
  assert.deepEqual(lines.slice(0, 400), entries.map(formatEntry));
  assert.equal(lines[400], formatEntry(entries[0]));
  const prefix = '2026-11-27T17:40:21.123Z INFO req-huge ';
  assert.ok(lines[401].startsWith(`${prefix}éé`));
  assert.ok(lines[401].endsWith('… [truncated]'));
  assert.ok(Buffer.byteLength(lines[401].slice(prefix.length)) <= MAX_MESSAGE_BYTES);
  assert.equal(lines[402], formatEntry(entries[1]));
  done();
});

test('deleteProject removes stored and buffered lines of that project only', () => {
  const { logs, done } = open();
  logs.append(rec({ message: 'stored' }));
  logs.append(rec({ project: 'q', message: 'other project' }));
  logs.flush();
  logs.append(rec({ message: 'buffered' }));
  logs.deleteProject('p');
  assert.deepEqual(logs.read('p', 'sockets/demo/connect'), []);
  assert.equal(logs.read('q', 'sockets/demo/connect').length, 1);
  done();
});

test('close flushes; appends after close are dropped', () => {
  const file = join(dir, 'close.db');
  const db = openDatabase(file);
  const logs = new SqliteLogStore(db);
  logs.append(rec({ message: 'last words' }));
  logs.close();
  logs.append(rec({ message: 'too late' }));
  const again = new SqliteLogStore(db);
  assert.deepEqual(again.read('p', 'sockets/demo/connect').map((e) => e.line.split(' ').at(-1)), ['words']);
  again.close();
  db.close();
});

test('a record may hold several entries (an executor joins a flush\'s worth): read and follow see each one', () => {
  const { logs, done } = open();
  const followed = [];
  logs.subscribe('p', 'f', (entry) => followed.push(entry));
  const entries = ['one', 'two', 'three'].map((message) => encodeLine(ts, 'info', 'req-1', message));
  logs.append({ ts, project: 'p', functionPath: 'f', text: entries.join(ENTRY_SEPARATOR), count: 3 });
  logs.append({ ts, project: 'p', functionPath: 'f', text: encodeLine(ts, 'info', 'req-2', 'four') });
  const read = logs.read('p', 'f');
  assert.deepEqual(read.map((e) => e.line.split(' ').at(-1)), ['one', 'two', 'three', 'four']);
  assert.ok(read.every((e, i) => i === 0 || e.id > read[i - 1].id), 'ids increase');
  assert.deepEqual(followed.map((e) => e.line.split(' ').at(-1)), ['one', 'two', 'three', 'four']);
  assert.deepEqual(followed.map((e) => e.id), read.map((e) => e.id));
  assert.deepEqual(logs.read('p', 'f', { afterId: read[1].id }).map((e) => e.line.split(' ').at(-1)), ['three', 'four']);
  done();
});

test('a record of more entries than a row holds is spread over rows with distinct ids', () => {
  const { logs, done } = open({ maxLinesPerFunction: 5000 });
  const entries = Array.from({ length: 1500 }, (_, i) => encodeLine(ts, 'info', 'r', `m${i}`));
  logs.append({ ts, project: 'p', functionPath: 'f', text: entries.join(ENTRY_SEPARATOR), count: entries.length });
  const read = logs.read('p', 'f', { tail: 5000 });
  assert.equal(read.length, 1500);
  assert.equal(new Set(read.map((e) => e.id)).size, 1500);
  assert.equal(read.at(-1).line.split(' ').at(-1), 'm1499');
  done();
});

test('a database file is created with the page size asked for; an existing one keeps its own', () => {
  // The log thread asks for 64 KiB pages: its rows of joined entries are then a few WAL frames each.
  const file = join(dir, 'paged.db');
  const db = openDatabase(file, { pageSize: 65536 });
  db.exec('CREATE TABLE t (x)');
  assert.equal(db.pragma('page_size', { simple: true }), 65536);
  db.close();
  const again = openDatabase(file, { pageSize: 4096 });
  assert.equal(again.pragma('page_size', { simple: true }), 65536);
  again.close();
});
