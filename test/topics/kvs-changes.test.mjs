// KVS change topics (SPEC 2.3) end to end: each change of the store reaches the project's
// kvs_created / kvs_updated / kvs_deleted subscribers with exactly the SPEC payload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/topics-mixed', import.meta.url));

test('set, update, delete and expiry publish the SPEC payloads, one event per change', async (t) => {
  const server = await startTestServer(t, { kvs: { sweepIntervalMs: 100 } });
  await server.deploy('shop', fixture);
  const kv = (body) => fetch(`${server.base}/shop/apis/pub/kv`, { method: 'POST', body: JSON.stringify(body) }).then((res) => assert.equal(res.status, 204));
  await kv({ op: 'set', key: 'user', value: { name: 'Ada' } });
  await kv({ op: 'set', key: 'user', value: { name: 'Ada L.' } });
  await kv({ op: 'delete', key: 'user' });
  await kv({ op: 'delete', key: 'never-set' });
  await kv({ op: 'set', key: 'session', value: 'abc', ttl: 1 });

  const expected = {
    'topics/kvs_created/on_created': ['kvs_created {"key":"session","new_value":"abc"}', 'kvs_created {"key":"user","new_value":{"name":"Ada"}}'],
    'topics/kvs_updated/on_updated': ['kvs_updated {"key":"user","old_value":{"name":"Ada"},"new_value":{"name":"Ada L."}}'],
    // Expiry counts as a delete: the sweeper publishes it once the item has expired.
    'topics/kvs_deleted/on_deleted': ['kvs_deleted {"key":"session","old_value":"abc"}', 'kvs_deleted {"key":"user","old_value":{"name":"Ada L."}}'],
  };
  for (const [path, events] of Object.entries(expected)) {
    for (const event of events) await server.waitForLog('shop', path, new RegExp(` INFO \\S+ ${escape(event)}$`));
  }
  // Exactly once each (deleting a key that was never set published nothing).
  for (const [path, events] of Object.entries(expected)) {
    const lines = (await server.logs('shop', path)).split('\n').filter((line) => / INFO /.test(line)).map((line) => line.replace(/^.* INFO \S+ /, ''));
    assert.deepEqual(lines.sort(), events);
  }
});

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
