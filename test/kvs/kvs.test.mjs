// The key-value store as handlers use it (SPEC 2.3): CommonJS, ESM, TypeScript and a shared
// module all reach one store per project through `@chuva.io/less`, observed over HTTP.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/projects/kvs-js', import.meta.url));

// One server for the whole file; `after` stands in for a test context's hook.
const server = await startTestServer({ after });
await server.deploy('kv', fixture);

const api = (project, path) => `${server.base}/${project}/apis/kv${path}`;
const itemUrl = (project, key, route = 'items') => api(project, `/${route}/${encodeURIComponent(key)}`);

/** PUT items/{key}; resolves with { status, body } (body parsed when there is one). */
async function put(key, value, ttl, project = 'kv') {
  const res = await fetch(itemUrl(project, key), { method: 'PUT', body: JSON.stringify({ value, ttl }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** The `value` a GET route answers (items: CommonJS, esm: .mjs, typed: .ts). */
async function get(key, { route = 'items', project = 'kv' } = {}) {
  const res = await fetch(itemUrl(project, key, route));
  assert.equal(res.status, 200, `GET ${route}/${key}`);
  return (await res.json()).value;
}

/** A set that must be refused: 400 with the error's code and message, and nothing stored. */
async function refused(key, value, ttl) {
  const res = await fetch(api('kv', '/items'), { method: 'POST', body: JSON.stringify({ key, value, ttl }) });
  assert.equal(res.status, 400);
  return res.json();
}

test('every JSON value round-trips, read back by CommonJS, ESM and TypeScript handlers alike', async () => {
  const values = {
    zero: 0,
    false: false,
    empty: '',
    null: null,
    quote: "it's",
    unicode: 'héllo — 日本語 🎉',
    negative: -1.5e-7,
    big: Number.MAX_SAFE_INTEGER,
    array: [1, 'two', [3], {}],
    nested: { a: [1, { b: null, c: false }], 'key with spaces': { deep: { deeper: ['x', 0, ''] } }, emoji: '🔑' },
    'clé 🔑 with spaces': 'a unicode key works too',
  };
  for (const [key, value] of Object.entries(values)) {
    assert.equal((await put(key, value)).status, 204, key);
  }
  for (const [key, value] of Object.entries(values)) {
    for (const route of ['items', 'esm', 'typed']) {
      assert.deepEqual(await get(key, { route }), value, `${route}/${key}`);
    }
  }
  const esm = await (await fetch(itemUrl('kv', 'quote', 'esm'))).json();
  const typed = await (await fetch(itemUrl('kv', 'quote', 'typed'))).json();
  assert.deepEqual([esm, typed], [{ value: "it's", via: 'esm' }, { value: "it's", via: 'typescript' }]);
});

test('an absent key reads as null in every handler flavour', async () => {
  for (const route of ['items', 'esm', 'typed']) {
    assert.equal(await get('never-set', { route }), null);
  }
});

test('an overwrite replaces the value; delete removes it; deleting an absent key is fine', async () => {
  await put('doomed', { v: 1 });
  await put('doomed', { v: 2 });
  assert.deepEqual(await get('doomed'), { v: 2 });
  const deleted = await fetch(itemUrl('kv', 'doomed'), { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  assert.equal(await get('doomed'), null);
  assert.equal(await get('doomed', { route: 'typed' }), null);
  const again = await fetch(itemUrl('kv', 'doomed'), { method: 'DELETE' });
  assert.equal(again.status, 204);
});

test('a handler importing a shared module by name reads the same store', async () => {
  await put('greeting', 'hello from the shared key');
  const res = await fetch(api('kv', '/greeting'));
  assert.deepEqual(await res.json(), { key: 'greeting', value: 'hello from the shared key' });
});

test('an item with a ttl is gone once the ttl has passed and is never returned expired', async () => {
  assert.equal((await put('short-lived', 'soon gone', 1)).status, 204);
  await put('kept', 'first with ttl', 1);
  await put('kept', 'then without', null); // a set without ttl clears the earlier expiry
  const setDone = Date.now();
  assert.equal(await get('short-lived'), 'soon gone');

  // Read until 1.2 s after the set: any read that starts after the ttl must see null.
  while (Date.now() < setDone + 1200) {
    const started = Date.now();
    const seen = await get('short-lived');
    if (started > setDone + 1000) assert.equal(seen, null, `read ${started - setDone} ms after set`);
    else await sleep(100);
  }
  assert.equal(await get('short-lived'), null);
  assert.equal(await get('short-lived', { route: 'typed' }), null);
  assert.equal(await get('kept'), 'then without');
});

test('key rules: empty key, key over 1 KiB (counted in UTF-8 bytes) are refused and say why', async () => {
  const empty = await refused('', 'v');
  assert.equal(empty.code, 'kvs_invalid_key');
  assert.match(empty.message, /key must be a non-empty string/);
  assert.match(empty.message, /empty string/);

  const max = 'k'.repeat(1024);
  assert.equal((await put(max, 'fits')).status, 204);
  assert.equal(await get(max), 'fits');

  const long = await put('k'.repeat(1025), 'v');
  assert.equal(long.status, 400);
  assert.equal(long.body.code, 'kvs_invalid_key');
  assert.match(long.body.message, /at most 1024 bytes/);
  assert.match(long.body.message, /1025 bytes/);

  // 513 characters, but 1026 bytes once encoded.
  const wide = await refused('é'.repeat(513), 'v');
  assert.equal(wide.code, 'kvs_invalid_key');
  assert.match(wide.message, /1026 bytes/);
});

test('a value over 400 KiB once serialised is refused and says so; exactly 400 KiB fits', async () => {
  const fits = 'x'.repeat(400 * 1024 - 2); // the JSON quotes make it 409600 bytes
  assert.equal((await put('big', fits)).status, 204);
  assert.equal((await get('big')).length, fits.length);

  const tooBig = await put('too-big', fits + 'x');
  assert.equal(tooBig.status, 400);
  assert.equal(tooBig.body.code, 'kvs_value_too_large');
  assert.match(tooBig.body.message, /at most 409600 bytes \(400 KiB\)/);
  assert.match(tooBig.body.message, /got 409601 bytes/);
  assert.equal(await get('too-big'), null);
});

test('a ttl that is not whole seconds > 0 is refused, naming the rule and the bad value', async () => {
  for (const [ttl, shown] of [[0, 'number 0'], [-1, 'number -1'], [1.5, 'number 1.5'], ['x', 'the string "x"']]) {
    const error = await refused('with-bad-ttl', 'v', ttl);
    assert.equal(error.code, 'kvs_invalid_ttl', String(ttl));
    assert.match(error.message, /ttl must be a whole number of seconds greater than 0/);
    assert.ok(error.message.includes(`(got ${shown})`), error.message);
  }
  assert.equal(await get('with-bad-ttl'), null);
});

test('data is per project: two projects on one server keep the same key apart', async () => {
  await server.deploy('kv-other', fixture);
  await put('shared-name', 'value of kv');
  await put('shared-name', 'value of kv-other', undefined, 'kv-other');
  assert.equal(await get('shared-name'), 'value of kv');
  assert.equal(await get('shared-name', { project: 'kv-other', route: 'esm' }), 'value of kv-other');

  await fetch(itemUrl('kv-other', 'shared-name'), { method: 'DELETE' });
  assert.equal(await get('shared-name', { project: 'kv-other' }), null);
  assert.equal(await get('shared-name'), 'value of kv');
});
