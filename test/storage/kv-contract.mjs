// Behavioural suite for every KeyValueStore engine (SQLite now, Redis later).
//
// makeStore(clock) must return a store over the SAME backing data on every call (so
// close + makeStore again proves persistence); tests stay independent by using a fresh
// project name each. `clock` is a fake: tests move time forward instead of sleeping.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

let counter = 0;
export const freshProject = () => `contract-${process.pid}-${++counter}`;

export function fakeClock(start = Date.UTC(2026, 10, 27, 17, 40)) {
  return { t: start, now() { return this.t; }, advance(ms) { this.t += ms; } };
}

const rejectsWith = (promise, code) =>
  assert.rejects(promise, (error) => {
    assert.equal(error.name, 'LessError');
    assert.equal(error.code, code, error.message);
    return true;
  });

export function runKeyValueContract(name, makeStore) {
  describe(`KeyValueStore contract: ${name}`, () => {
    const withStore = async (fn, clock = fakeClock()) => {
      const store = await makeStore(clock);
      try {
        await fn(store, freshProject(), clock);
      } finally {
        await store.close();
      }
    };

    const values = {
      zero: 0, false: false, emptyString: '', null: null, true: true, negative: -12.5,
      quote: "it's", doubleQuote: 'say "hi"', sqlish: "'); DROP TABLE kv; --",
      unicode: 'héllo 👋 世界', emptyArray: [], emptyObject: {},
      nested: { a: [1, { b: 'c', d: [null, false, 0] }], e: { f: { g: "it's" } } },
      bigNumber: Number.MAX_SAFE_INTEGER,
    };
    for (const [label, value] of Object.entries(values)) {
      test(`round-trips ${label}`, () =>
        withStore(async (store, project) => {
          await store.set(project, `k-${label}`, value);
          assert.deepEqual(await store.get(project, `k-${label}`), value);
        }));
    }

    test('absent key is null; delete removes; deleting an absent key is fine', () =>
      withStore(async (store, project) => {
        assert.equal(await store.get(project, 'missing'), null);
        await store.set(project, 'k', 1);
        await store.set(project, 'k', 2);
        assert.equal(await store.get(project, 'k'), 2);
        await store.delete(project, 'k');
        assert.equal(await store.get(project, 'k'), null);
        await store.delete(project, 'k');
      }));

    test('keys are per project; deleteProject removes only that project', () =>
      withStore(async (store, a) => {
        const b = freshProject();
        await store.set(a, 'shared', 'from a');
        await store.set(b, 'shared', 'from b');
        assert.equal(await store.get(a, 'shared'), 'from a');
        assert.equal(await store.get(b, 'shared'), 'from b');
        await store.deleteProject(a);
        assert.equal(await store.get(a, 'shared'), null);
        assert.equal(await store.get(b, 'shared'), 'from b');
      }));

    test('an item expires after ttl seconds, before any sweep', () =>
      withStore(async (store, project, clock) => {
        await store.set(project, 'k', 'v', 10);
        clock.advance(9_999);
        assert.equal(await store.get(project, 'k'), 'v');
        clock.advance(1);
        assert.equal(await store.get(project, 'k'), null);
      }));

    test('set without ttl clears an earlier ttl; set with ttl replaces it', () =>
      withStore(async (store, project, clock) => {
        await store.set(project, 'k', 'v', 1);
        await store.set(project, 'k', 'forever');
        await store.set(project, 'j', 'v', 1);
        await store.set(project, 'j', 'later', 100);
        clock.advance(50_000);
        assert.equal(await store.get(project, 'k'), 'forever');
        assert.equal(await store.get(project, 'j'), 'later');
      }));

    test('an expired key can be set again', () =>
      withStore(async (store, project, clock) => {
        await store.set(project, 'k', 'old', 1);
        clock.advance(1000);
        await store.set(project, 'k', 'new');
        assert.equal(await store.get(project, 'k'), 'new');
      }));

    test('key rules: non-empty string of at most 1024 UTF-8 bytes', () =>
      withStore(async (store, project) => {
        await store.set(project, 'k'.repeat(1024), 1);
        assert.equal(await store.get(project, 'k'.repeat(1024)), 1);
        await store.set(project, 'é'.repeat(512), 2); // 1024 bytes
        for (const key of ['', 'k'.repeat(1025), 'é'.repeat(513), 42, null, undefined, {}, '\uD800']) {
          await rejectsWith(store.set(project, key, 1), 'kvs_invalid_key');
          await rejectsWith(store.get(project, key), 'kvs_invalid_key');
          await rejectsWith(store.delete(project, key), 'kvs_invalid_key');
        }
        await assert.rejects(store.set(project, 'x'.repeat(2000), 1), {
          message: 'kvs.set: key must be a non-empty string of at most 1024 bytes (got a string of 2000 bytes)',
        });
      }));

    test('value rules: JSON-serialisable only, with a message naming the rule', () =>
      withStore(async (store, project) => {
        const cyclic = { a: 1 };
        cyclic.self = cyclic;
        for (const value of [undefined, () => 1, Symbol('s'), 10n, cyclic, { f() {} }, [Symbol('s')], { n: 1n }]) {
          await rejectsWith(store.set(project, 'k', value), 'kvs_invalid_value');
        }
        await assert.rejects(store.set(project, 'k', undefined), /value must be JSON-serialisable \(got undefined\)/);
        await assert.rejects(store.set(project, 'k', { count: 1n }), /BigInt at property "count"/);
        await assert.rejects(store.set(project, 'k', cyclic), /circular/);
        assert.equal(await store.get(project, 'k'), null, 'nothing was stored');
      }));

    test('value size: exactly 400 KiB serialised is accepted, one byte more is not', () =>
      withStore(async (store, project) => {
        const atLimit = 'a'.repeat(409_600 - 2); // plus two quote characters
        await store.set(project, 'k', atLimit);
        assert.equal(await store.get(project, 'k'), atLimit);
        await rejectsWith(store.set(project, 'k', atLimit + 'a'), 'kvs_value_too_large');
        await rejectsWith(store.set(project, 'k', { s: 'é'.repeat(205_000) }), 'kvs_value_too_large');
        assert.equal(await store.get(project, 'k'), atLimit, 'a refused set leaves the old value');
      }));

    test('ttl rules: whole seconds > 0, or null/undefined for no expiry', () =>
      withStore(async (store, project, clock) => {
        await store.set(project, 'a', 1, undefined);
        await store.set(project, 'b', 1, null);
        clock.advance(10 * 365 * 86_400_000);
        assert.equal(await store.get(project, 'a'), 1);
        assert.equal(await store.get(project, 'b'), 1);
        for (const ttl of [0, -1, 1.5, NaN, Infinity, '60', true, {}, 2 ** 60]) {
          await rejectsWith(store.set(project, 'c', 1, ttl), 'kvs_invalid_ttl');
        }
        await assert.rejects(store.set(project, 'c', 1, 1.5), /ttl must be a whole number of seconds greater than 0/);
      }));

    test('data survives close and reopen', async () => {
      const project = freshProject();
      const clock = fakeClock();
      const first = await makeStore(clock);
      await first.set(project, 'k', { kept: true });
      await first.set(project, 'short', 1, 5);
      await first.close();
      clock.advance(5_000);
      const second = await makeStore(clock);
      try {
        assert.deepEqual(await second.get(project, 'k'), { kept: true });
        assert.equal(await second.get(project, 'short'), null);
      } finally {
        await second.close();
      }
    });
  });
}
