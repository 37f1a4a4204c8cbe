import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMapLike } from '../helpers/map-like.mjs';
import { KeyTable } from '../../dist/runtime/key-table.js';

test('a KeyTable counts, finds and forgets its entries like a Map', () => {
  assertMapLike(new KeyTable());
});

test('a KeyTable keeps keys that name Object.prototype members as plain keys', () => {
  const table = new KeyTable();
  assert.equal(table.has('constructor'), false);
  assert.equal(table.get('toString'), undefined);
  table.set('__proto__', 'a');
  table.set('hasOwnProperty', 'b');
  assert.equal(table.get('__proto__'), 'a');
  assert.equal(table.size, 2);
  assert.deepEqual(table.values(), ['a', 'b']);
});

test('a KeyTable lists integer keys in ascending order, other keys in insertion order', () => {
  const table = new KeyTable();
  for (const key of [30, 10, 20]) table.set(key, key);
  assert.deepEqual(table.values(), [10, 20, 30]);
  const named = new KeyTable();
  for (const key of ['b', 'a', 'c']) named.set(key, key);
  assert.deepEqual(named.values(), ['b', 'a', 'c']);
});

test('a KeyTable holds a falsy value other than undefined', () => {
  const table = new KeyTable();
  table.set(1, false);
  table.set(2, 0);
  assert.equal(table.has(1), true);
  assert.equal(table.has(2), true);
  assert.equal(table.size, 2);
});
