// The embedded topic queues (storage/sqlite/topics.ts), with explicit times instead of a clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../dist/storage/database.js';
import { SqliteTopicStore } from '../../dist/storage/sqlite/topics.js';

const A = { project: 'shop', functionPath: 'topics/order_placed/send_email' };
const B = { project: 'shop', functionPath: 'topics/order_placed/update_stock' };
const X = { project: 'audit', functionPath: 'external_topics/shop/order_placed/record' };

function open() {
  const db = openDatabase(':memory:');
  return { db, store: new SqliteTopicStore(db), messages: () => db.prepare('SELECT count(*) AS n FROM topic_messages').get().n };
}

test('a message gets one delivery per subscriber, each taken and settled on its own', () => {
  const { store, messages } = open();
  const id = store.publish('shop', 'order_placed', '{"order":1}', [A, B, X], 1000);
  assert.equal(typeof id, 'number');
  assert.deepEqual(store.subscribersWithDeliveries().map((s) => s.functionPath).sort(), [A, B, X].map((s) => s.functionPath).sort());
  const [a] = store.take(A, 1000, 10, 5000);
  assert.equal(a.body, '{"order":1}');
  assert.equal(a.fromProject, 'shop');
  assert.equal(a.topic, 'order_placed');
  assert.equal(a.messageId, id);
  assert.deepEqual(store.take(A, 1000, 10, 5000), [], 'a taken delivery is leased');
  assert.equal(store.take(A, 6000, 10, 5000).length, 1, 'and due again when the lease ends (a crash mid-run)');
  store.succeed(a.id);
  assert.equal(store.hasDeliveries(A), false);
  assert.equal(store.hasDeliveries(B), true);
  for (const s of [B, X]) store.succeed(store.take(s, 1000, 10, 5000)[0].id);
  assert.equal(messages(), 0, 'the message goes with its last delivery');
  assert.deepEqual(store.subscribersWithDeliveries(), []);
});

test('a failed delivery keeps its error and attempt count, retries at its time, and can be retried now or purged', () => {
  const { store, messages } = open();
  store.publish('shop', 'order_placed', '"m1"', [A, B], 1000);
  const [first] = store.take(A, 1000, 10, 5000);
  store.fail(first.id, 'Error: smtp down', 3000);
  assert.deepEqual(store.take(A, 2000, 10, 5000), [], 'not before its next attempt');
  assert.equal(store.nextDueAfter(1000), 3000);
  const [again] = store.take(A, 3000, 10, 5000);
  assert.equal(again.attempts, 1);
  store.fail(again.id, 'Error: smtp still down', 60_000);
  const failed = store.failed({ project: 'shop' }, 100);
  assert.equal(failed.length, 1, 'B never failed');
  assert.equal(failed[0].attempts, 2);
  assert.equal(failed[0].lastError, 'Error: smtp still down');
  assert.deepEqual(store.failed({ project: 'shop', subscriber: 'update_stock' }, 100), []);
  assert.equal(store.failed({ project: 'shop', topic: 'order_placed', subscriber: 'send_email' }, 100).length, 1);
  assert.equal(store.retryNow({ project: 'shop', subscriber: 'send_email' }, 4000), 1);
  assert.equal(store.take(A, 4000, 10, 5000).length, 1);
  assert.equal(store.purge({ project: 'shop', subscriber: 'send_email' }), 1);
  assert.deepEqual(store.failed({ project: 'shop' }, 100), []);
  assert.equal(messages(), 1, 'B still holds the message');
});

test('take is per subscriber and bounded: one subscriber\'s backlog does not hide another\'s', () => {
  const { store } = open();
  for (let i = 0; i < 50; i++) store.publish('shop', 'order_placed', String(i), [A], 1000);
  store.publish('shop', 'order_placed', '"late"', [B], 2000);
  assert.equal(store.take(A, 2000, 10, 5000).length, 10);
  assert.deepEqual(store.take(B, 2000, 10, 5000).map((d) => d.body), ['"late"']);
});

test('retention drops old deliveries and returns them; deleting a project drops its queues only', () => {
  const { store, messages } = open();
  store.publish('shop', 'order_placed', '"old"', [A, X], 1000);
  store.publish('shop', 'order_placed', '"new"', [A, X], 9000);
  const dropped = store.dropExpired(5000);
  assert.deepEqual(dropped.map((d) => d.body), ['"old"', '"old"']);
  assert.equal(messages(), 1);
  store.deleteProject('audit');
  assert.deepEqual(store.subscribersWithDeliveries().map((s) => s.project), ['shop']);
  store.deleteProject('shop');
  assert.equal(messages(), 0);
});

test('a publish with no subscriber stores nothing but still names the message', () => {
  const { store, messages } = open();
  const id = store.publish('shop', 'nobody_listens', '{}', [], 1000);
  assert.ok(id > 0);
  assert.equal(messages(), 0);
});
