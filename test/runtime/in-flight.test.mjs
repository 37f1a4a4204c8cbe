import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InFlight } from '../../dist/runtime/in-flight.js';

/**
 * An InFlight with `timeoutMs`, and the data of each invocation it timed out, in order. Its timer
 * does not hold the event loop open (a server has its sockets for that): the test does.
 */
function tracked(t, timeoutMs) {
  const keepAlive = setInterval(() => {}, 60_000);
  t.after(() => clearInterval(keepAlive));
  const timedOut = [];
  return { inFlight: new InFlight(timeoutMs, (id, data) => timedOut.push(data)), timedOut };
}

/** Resolves with the failure an invocation ended with, and when. */
function completion() {
  let resolve;
  const ended = new Promise((r) => (resolve = r));
  return { ended, done: (failure) => resolve({ failure, at: performance.now() }) };
}

test('each invocation times out a full timeout after its own start, not after the one before it', { timeout: 5000 }, async (t) => {
  const timeoutMs = 200;
  const { inFlight, timedOut } = tracked(t, timeoutMs);
  const first = completion();
  const firstStart = performance.now();
  inFlight.start('first', first.done);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const second = completion();
  const secondStart = performance.now();
  inFlight.start('second', second.done);

  const a = await first.ended;
  assert.equal(a.failure.kind, 'timeout');
  assert.ok(a.at - firstStart >= timeoutMs - 1);
  const b = await second.ended;
  assert.equal(b.failure.kind, 'timeout');
  // Not re-armed for a whole timeout when the first expired (that would be ~300 ms after its start).
  assert.ok(b.at - secondStart >= timeoutMs - 1, `second timed out early: ${b.at - secondStart} ms`);
  assert.ok(b.at - secondStart < timeoutMs + 90, `second timed out late: ${b.at - secondStart} ms`);
  assert.deepEqual(timedOut, ['first', 'second']);
  assert.equal(inFlight.size, 0);
});

test('an invocation that ends in time is not timed out, and waiting ones count from their begin', { timeout: 5000 }, async (t) => {
  const timeoutMs = 100;
  const { inFlight, timedOut } = tracked(t, timeoutMs);
  const ended = completion();
  const id = inFlight.start('quick', ended.done);
  const waiting = completion();
  const waitingId = inFlight.start('waiting', waiting.done, true);
  assert.equal(inFlight.size, 2);
  assert.equal(inFlight.end(id).data, 'quick');
  assert.equal(inFlight.end(id), undefined);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.deepEqual(timedOut, [], 'a waiting invocation has no deadline yet');
  const begun = performance.now();
  inFlight.begin(waitingId);
  const w = await waiting.ended;
  assert.equal(w.failure.kind, 'timeout');
  assert.ok(w.at - begun >= timeoutMs - 1);
  assert.deepEqual(timedOut, ['waiting']);
});

test('a long runner outlived by thousands of quick invocations still times out, and only it', { timeout: 5000 }, async (t) => {
  const { inFlight, timedOut } = tracked(t, 150);
  const long = completion();
  inFlight.start('long', long.done);
  for (let i = 0; i < 5000; i++) {
    const id = inFlight.start(`quick ${i}`, () => assert.fail('a quick invocation was answered by the table'));
    assert.equal(inFlight.end(id).data, `quick ${i}`);
  }
  assert.equal(inFlight.size, 1);
  const { failure } = await long.ended;
  assert.equal(failure.kind, 'timeout');
  assert.deepEqual(timedOut, ['long']);
  assert.equal(inFlight.size, 0);
});
