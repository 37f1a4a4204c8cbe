import assert from 'node:assert/strict';

/** The Map-like contract the runtime's per-message tables keep (KeyTable, IdTable), on an empty `table`. */
export function assertMapLike(table) {
  table.set(2, 'two');
  table.set(1, 'one');
  table.set(2, 'TWO');
  assert.equal(table.size, 2);
  assert.equal(table.get(2), 'TWO');
  assert.equal(table.has(1), true);
  assert.equal(table.delete(1), true);
  assert.equal(table.delete(1), false);
  assert.equal(table.has(1), false);
  assert.equal(table.get(1), undefined);
  assert.equal(table.size, 1);
  table.clear();
  assert.equal(table.size, 0);
  assert.deepEqual(table.values(), []);
}
