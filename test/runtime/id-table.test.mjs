import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMapLike } from '../helpers/map-like.mjs';
import { IdTable } from '../../dist/runtime/id-table.js';

test('an IdTable counts, finds and forgets its entries like a Map', () => {
  assertMapLike(new IdTable());
});

test('an IdTable holds a falsy value other than undefined', () => {
  const table = new IdTable();
  table.set(7, false);
  table.set(8, 0);
  assert.equal(table.has(7), true);
  assert.equal(table.get(8), 0);
  assert.equal(table.size, 2);
});

test('an IdTable keeps an old entry while ids far past it come and go, and answers its later changes', () => {
  const table = new IdTable();
  table.set(1, 'long runner');
  // A million ids after it, each ended before the next: every ring slot is taken many times over.
  for (let id = 2; id < 1_000_002; id++) {
    table.set(id, id);
    assert.equal(table.get(id), id);
    table.delete(id);
  }
  assert.equal(table.size, 1);
  assert.equal(table.get(1), 'long runner');
  table.set(1, 'updated');
  assert.equal(table.get(1), 'updated');
  assert.equal(table.size, 1);
  assert.deepEqual(table.values(), ['updated']);
  assert.equal(table.delete(1), true);
  assert.equal(table.size, 0);
  assert.equal(table.has(1), false);
});

test('an IdTable with thousands in flight finds every one and lists them in ascending order of id', () => {
  const table = new IdTable();
  const live = [];
  for (let id = 1; id <= 200_000; id++) {
    table.set(id, `v${id}`);
    // Keep every 1,000th for good (older than the ring is long) and 5,000 recent ones in flight.
    if (id % 1000 === 0) live.push(id);
    else if (id > 5000 && (id - 5000) % 1000 !== 0) table.delete(id - 5000);
  }
  for (let id = 195_001; id <= 200_000; id++) if (id % 1000 !== 0) live.push(id);
  live.sort((a, b) => a - b);
  assert.equal(table.size, live.length);
  for (const id of live) assert.equal(table.get(id), `v${id}`);
  assert.equal(table.get(194_999), undefined);
  assert.deepEqual(table.values(), live.map((id) => `v${id}`));
});

test('an IdTable takes ids beyond 32 bits', () => {
  const table = new IdTable();
  const big = 2 ** 40 + 3;
  table.set(big, 'big');
  table.set(3, 'small');
  assert.equal(table.get(big), 'big');
  assert.equal(table.get(3), 'small');
  assert.deepEqual(table.values(), ['small', 'big']);
});
