// The cron scheduler with an injected clock: ticks, overlap, replacement, long waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CronScheduler } from '../../dist/resources/crons/scheduler.js';
import { parseSchedule } from '../../dist/resources/crons/schedule.js';

/** A clock whose time only moves when the test says so; timers fire in due order. */
function fakeClock(start) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimer(fire, ms) {
      const id = nextId++;
      // Like Node: a wait is capped at 2^31-1 ms, the scheduler re-arms for the rest.
      timers.set(id, { at: now + Math.min(Math.max(ms, 0), 2 ** 31 - 1), fire });
      return () => timers.delete(id);
    },
    /** Moves time to `to`, firing every timer due on the way. */
    advance(to) {
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fire();
      }
      now = to;
    },
    /** Moves time without firing anything: a blocked event loop, a suspended laptop. */
    jump(to) {
      now = to;
    },
    pending: () => timers.size,
  };
}

const T0 = Date.parse('2026-03-10T10:00:30Z');
const at = (iso) => Date.parse(iso);

function harness(clock) {
  const runs = [];
  const logs = [];
  const finishers = [];
  const scheduler = new CronScheduler(
    {
      run(project, cron) {
        runs.push({ project, cron, at: new Date(clock.now()).toISOString() });
        return new Promise((resolve) => finishers.push(resolve));
      },
      log: (project, cron, level, message) => logs.push({ project, cron, level, message }),
    },
    clock,
  );
  return { scheduler, runs, logs, finishAll: async () => { finishers.splice(0).forEach((f) => f()); await new Promise((r) => setImmediate(r)); } };
}

test('a cron runs at each tick; a run still going when the next tick comes is skipped with a log line', async () => {
  const clock = fakeClock(T0);
  const { scheduler, runs, logs, finishAll } = harness(clock);
  scheduler.set('shop', [{ name: 'tick', schedule: parseSchedule('cron(* * * * ? *)') }], T0);
  assert.deepEqual(scheduler.upcoming('shop'), [{ name: 'tick', schedule: 'cron(* * * * ? *)', next: at('2026-03-10T10:01:00Z') }]);

  clock.advance(at('2026-03-10T10:01:00Z'));
  assert.deepEqual(runs.map((r) => r.at), ['2026-03-10T10:01:00.000Z']);

  // The first run is still going at 10:02 and 10:03: no second run starts.
  clock.advance(at('2026-03-10T10:03:00Z'));
  assert.equal(runs.length, 1);
  assert.deepEqual(logs, [
    { project: 'shop', cron: 'tick', level: 'warn', message: 'skipped the run due at 2026-03-10T10:02:00.000Z: the previous run is still going' },
    { project: 'shop', cron: 'tick', level: 'warn', message: 'skipped the run due at 2026-03-10T10:03:00.000Z: the previous run is still going' },
  ]);

  await finishAll();
  clock.advance(at('2026-03-10T10:04:00Z'));
  assert.deepEqual(runs.map((r) => r.at), ['2026-03-10T10:01:00.000Z', '2026-03-10T10:04:00.000Z']);
  scheduler.stopAll();
  assert.equal(clock.pending(), 0);
});

test('a late wake-up fires once, not once per missed tick', async () => {
  const clock = fakeClock(T0);
  const { scheduler, runs, finishAll } = harness(clock);
  scheduler.set('shop', [{ name: 'tick', schedule: parseSchedule('rate(1 minute)') }], T0);
  assert.equal(scheduler.upcoming('shop')[0].next, at('2026-03-10T10:01:30Z'), 'one period after the deploy');
  // The event loop was blocked for ten minutes: the 10:01:30 timer only gets to fire at 10:10:45.
  clock.jump(at('2026-03-10T10:10:45Z'));
  clock.advance(at('2026-03-10T10:10:45Z'));
  assert.deepEqual(runs.map((r) => r.at), ['2026-03-10T10:10:45.000Z']);
  await finishAll();
  assert.equal(scheduler.upcoming('shop')[0].next, at('2026-03-10T10:11:30Z'), 'the rate keeps counting from the deploy time');
  scheduler.stopAll();
});

test('redeploy replaces the schedule at once and keeps the overlap rule; remove stops the timers', async () => {
  const clock = fakeClock(T0);
  const { scheduler, runs, logs, finishAll } = harness(clock);
  scheduler.set('shop', [{ name: 'tick', schedule: parseSchedule('cron(* * * * ? *)') }, { name: 'hourly', schedule: parseSchedule('cron(0 * * * ? *)') }], T0);
  clock.advance(at('2026-03-10T10:01:00Z'));
  assert.equal(runs.length, 1);

  // Redeploy: `tick` every 5 minutes, `hourly` gone.
  scheduler.set('shop', [{ name: 'tick', schedule: parseSchedule('cron(0/5 * * * ? *)') }], at('2026-03-10T10:01:10Z'));
  assert.deepEqual(scheduler.upcoming('shop').map((c) => [c.name, new Date(c.next).toISOString()]), [['tick', '2026-03-10T10:05:00.000Z']]);
  clock.advance(at('2026-03-10T10:05:00Z'));
  assert.equal(runs.length, 1, 'the run of the previous deployment is still going');
  assert.match(logs.at(-1).message, /^skipped the run due at 2026-03-10T10:05:00.000Z/);

  await finishAll();
  clock.advance(at('2026-03-10T10:10:00Z'));
  await finishAll();
  clock.advance(at('2026-03-10T11:00:00Z'));
  assert.deepEqual(runs.map((r) => `${r.cron}@${r.at.slice(11, 16)}`), ['tick@10:01', 'tick@10:10', 'tick@10:15']);
  assert.equal(runs.filter((r) => r.cron === 'hourly').length, 0, 'the removed cron never fires');

  scheduler.remove('shop');
  assert.deepEqual(scheduler.upcoming('shop'), []);
  assert.equal(clock.pending(), 0);
});

test('waits longer than a timer can hold are re-armed; a schedule that never fires again arms nothing', () => {
  const clock = fakeClock(T0);
  const { scheduler, runs } = harness(clock);
  scheduler.set('shop', [
    { name: 'yearly', schedule: parseSchedule('cron(0 0 1 JAN ? 2027)') },
    { name: 'past', schedule: parseSchedule('cron(0 0 1 JAN ? 2020)') },
  ], T0);
  assert.deepEqual(scheduler.upcoming('shop').map((c) => c.next), [at('2027-01-01T00:00:00Z'), null]);
  clock.advance(at('2026-12-31T23:59:59Z'));
  assert.equal(runs.length, 0, 'woken after ~24.8 days, it waits again instead of firing early');
  clock.advance(at('2027-01-01T00:00:00Z'));
  assert.deepEqual(runs.map((r) => r.at), ['2027-01-01T00:00:00.000Z']);
  assert.deepEqual(scheduler.upcoming('shop').map((c) => c.next), [null, null]);
  assert.equal(clock.pending(), 0);
});
