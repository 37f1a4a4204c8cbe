import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRequestId } from '../../dist/runtime/request-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids have the shape of a version-4 UUID and never repeat within a run', () => {
  const ids = Array.from({ length: 10_000 }, () => newRequestId());
  for (const id of ids) assert.match(id, UUID_V4);
  assert.equal(new Set(ids).size, ids.length);
  // One prefix per server process: only the counter part differs.
  assert.equal(new Set(ids.map((id) => id.slice(0, 24))).size, 1);
});
