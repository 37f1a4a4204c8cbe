import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../dist/storage/database.js';
import { SqliteKeyValueStore } from '../../dist/storage/sqlite/kv.js';
import { runKeyValueContract, fakeClock, freshProject } from './kv-contract.mjs';

const dir = mkdtempSync(join(tmpdir(), 'openless-kv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Each store gets its own connection to one shared file and closes it with the store.
function opener(file) {
  return async (clock) => {
    const db = openDatabase(file);
    const store = new SqliteKeyValueStore(db, clock);
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      db.close();
    };
    return store;
  };
}

runKeyValueContract('sqlite', opener(join(dir, 'nested', 'deeper', 'contract.db')));

describe('SqliteKeyValueStore specifics', () => {
  const makeStore = opener(join(dir, 'specific.db'));

  test('database is in WAL mode with synchronous=NORMAL and busy_timeout', () => {
    const db = openDatabase(join(dir, 'pragmas.db'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 1); // NORMAL
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    db.close();
  });

  test('sweepExpired deletes only expired rows, in batches, returning old values', async () => {
    const clock = fakeClock();
    const store = await makeStore(clock);
    const [a, b] = [freshProject(), freshProject()];
    for (let i = 0; i < 5; i++) await store.set(a, `k${i}`, { i }, 1);
    await store.set(b, 'x', "it's", 2);
    await store.set(b, 'forever', 1);
    clock.advance(1000);
    const first = store.sweepExpired(3);
    const second = store.sweepExpired(3);
    assert.equal(first.length, 3);
    assert.deepEqual(
      [...first, ...second].sort((p, q) => p.key.localeCompare(q.key)),
      [0, 1, 2, 3, 4].map((i) => ({ project: a, key: `k${i}`, oldValue: { i } })),
    );
    assert.deepEqual(store.sweepExpired(), []);
    clock.advance(1000);
    assert.deepEqual(store.sweepExpired(), [{ project: b, key: 'x', oldValue: "it's" }]);
    assert.equal(await store.get(b, 'forever'), 1);
    await store.close();
  });

  test('startSweeper reports expired items and drains a backlog; stop ends it', async () => {
    const clock = fakeClock();
    const store = await makeStore(clock);
    const project = freshProject();
    for (let i = 0; i < 7; i++) await store.set(project, `k${i}`, i, 1);
    clock.advance(1000);
    const seen = [];
    let done;
    const drained = new Promise((resolve) => (done = resolve));
    const stop = store.startSweeper({
      intervalMs: 1,
      batchSize: 2,
      onExpired: (items) => {
        seen.push(...items);
        if (seen.length === 7) done();
      },
    });
    await drained;
    stop();
    assert.deepEqual(seen.map((s) => s.oldValue).sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(store.sweepExpired(), []);
    await store.close();
  });

  test('a committed set survives kill -9 of the process', async () => {
    const file = join(dir, 'crash.db');
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./fixtures/kv-crash-child.mjs', import.meta.url)), file, 'crashy', 'k', '{"v":"it\'s"}'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('ok')) child.kill('SIGKILL');
    });
    const [code, signal] = await once(child, 'exit');
    assert.equal(signal, 'SIGKILL', `child exited with ${code} before printing ok: ${out}`);
    // The write is only in the WAL (no checkpoint, no clean close): recovery must replay it.
    assert.ok(statSync(`${file}-wal`).size > 0);
    const store = await opener(file)(fakeClock());
    assert.deepEqual(await store.get('crashy', 'k'), { v: "it's" });
    await store.close();
  });
});
