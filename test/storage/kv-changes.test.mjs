// KVS change events (SPEC 2.3): payloads, exactly once per change, in the write's transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../dist/storage/database.js';
import { SqliteKeyValueStore } from '../../dist/storage/sqlite/kv.js';

function open({ listens = () => true, failOn } = {}) {
  const db = openDatabase(':memory:');
  let now = 1_000_000;
  const clock = { now: () => now };
  const events = [];
  const sink = {
    listens,
    emit(project, topic, payload) {
      if (topic === failOn) throw new Error(`cannot store ${topic}`);
      events.push([project, topic, payload]);
    },
  };
  const kv = new SqliteKeyValueStore(db, clock, sink);
  return { kv, events, advance: (ms) => (now += ms) };
}

test('set, update and delete publish created / updated / deleted with the SPEC payloads', async () => {
  const { kv, events } = open();
  await kv.set('p', 'user', { name: 'Ada' });
  await kv.set('p', 'user', { name: 'Ada L.' });
  await kv.delete('p', 'user');
  await kv.delete('p', 'user'); // nothing left: no event
  assert.deepEqual(events, [
    ['p', 'kvs_created', { key: 'user', new_value: { name: 'Ada' } }],
    ['p', 'kvs_updated', { key: 'user', old_value: { name: 'Ada' }, new_value: { name: 'Ada L.' } }],
    ['p', 'kvs_deleted', { key: 'user', old_value: { name: 'Ada L.' } }],
  ]);
});

test('expiry is a delete, reported once: by the sweeper, or by the write that meets the expired item first', async () => {
  const { kv, events, advance } = open();
  await kv.set('p', 'a', 1, 1);
  await kv.set('p', 'b', 2, 1);
  advance(1500);
  assert.equal(await kv.get('p', 'a'), null);
  await kv.set('p', 'b', 3); // b expired before this write
  assert.deepEqual(kv.sweepExpired().map((item) => item.key), ['a']);
  assert.deepEqual(kv.sweepExpired(), []);
  assert.deepEqual(events.slice(2), [
    ['p', 'kvs_deleted', { key: 'b', old_value: 2 }],
    ['p', 'kvs_created', { key: 'b', new_value: 3 }],
    ['p', 'kvs_deleted', { key: 'a', old_value: 1 }],
  ]);
});

test('a project without change topics pays nothing and gets no events', async () => {
  const { kv, events } = open({ listens: (project) => project === 'listening' });
  await kv.set('quiet', 'k', 1);
  await kv.delete('quiet', 'k');
  await kv.set('listening', 'k', 1);
  assert.deepEqual(events, [['listening', 'kvs_created', { key: 'k', new_value: 1 }]]);
});

test('when the event cannot be stored, the write is rolled back too', async () => {
  const { kv } = open({ failOn: 'kvs_updated' });
  await kv.set('p', 'k', 'first');
  await assert.rejects(kv.set('p', 'k', 'second'), /cannot store kvs_updated/);
  assert.equal(await kv.get('p', 'k'), 'first');
});
