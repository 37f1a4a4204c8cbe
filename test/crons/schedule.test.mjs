// EventBridge schedule syntax against next-fire times worked out by hand (UTC).
// The reference point is Tuesday 2026-03-10 10:07:30 UTC; March 31 2026 is a Tuesday.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextFire, parseSchedule } from '../../dist/resources/crons/schedule.js';

const AFTER = Date.parse('2026-03-10T10:07:30Z');
const iso = (ms) => (ms === null ? null : new Date(ms).toISOString());
const next = (text, after = AFTER, anchor = AFTER) => iso(nextFire(parseSchedule(text), after, anchor));

test('cron expressions fire at the hand-computed times', () => {
  const cases = [
    // [expression, expected next fire after AFTER, why]
    ['cron(0 12 * * ? *)', '2026-03-10T12:00:00.000Z', 'every day at noon'],
    ['0 12 * * ? *', '2026-03-10T12:00:00.000Z', 'the cron(...) wrapper is optional'],
    ['  cron( 0 12 * * ? * )  ', '2026-03-10T12:00:00.000Z', 'spaces around fields'],
    ['cron(15 10 ? * 6L 2026)', '2026-03-27T10:15:00.000Z', 'last Friday (6 = FRI) of March 2026'],
    ['cron(0 9 ? * 2#1 *)', '2026-04-06T09:00:00.000Z', 'first Monday: March 2 has passed, April 1 is a Wednesday'],
    ['cron(0 8 LW * ? *)', '2026-03-31T08:00:00.000Z', 'last weekday of March is Tuesday the 31st'],
    ['cron(0 8 L * ? *)', '2026-03-31T08:00:00.000Z', 'last day of the month'],
    ['cron(0 0 L FEB ? 2028)', '2028-02-29T00:00:00.000Z', 'last day of February in a leap year'],
    ['cron(0 8 15W * ? *)', '2026-03-16T08:00:00.000Z', 'the 15th is a Sunday: nearest weekday is Monday the 16th'],
    ['cron(0 8 1W AUG ? 2026)', '2026-08-03T08:00:00.000Z', 'August 1 2026 is a Saturday: W does not cross into July'],
    ['cron(0/15 * * * ? *)', '2026-03-10T10:15:00.000Z', 'from minute 0 every 15'],
    ['cron(5/20 * * * ? *)', '2026-03-10T10:25:00.000Z', 'from minute 5 every 20: 5, 25, 45'],
    ['cron(*/10 * * * ? *)', '2026-03-10T10:10:00.000Z', 'every 10 minutes'],
    ['cron(* * * * ? *)', '2026-03-10T10:08:00.000Z', 'every minute'],
    ['cron(0 10-18/4 * * ? *)', '2026-03-10T14:00:00.000Z', 'hours 10, 14, 18'],
    ['cron(0 18 ? * MON-FRI *)', '2026-03-10T18:00:00.000Z', 'weekdays by name'],
    ['cron(0 9 ? * 1 *)', '2026-03-15T09:00:00.000Z', '1 is Sunday in EventBridge'],
    ['cron(0 9 ? * SUN *)', '2026-03-15T09:00:00.000Z', 'SUN'],
    ['cron(0 9 ? * 7 *)', '2026-03-14T09:00:00.000Z', '7 is Saturday'],
    ['cron(0 12 ? * L *)', '2026-03-14T12:00:00.000Z', 'L alone in day-of-week is the last day of the week, Saturday'],
    ['cron(0 9 ? * FRI#5 *)', '2026-05-29T09:00:00.000Z', 'fifth Friday: March and April have four, May has five'],
    ['cron(30 6 1,15 JAN-MAR ? *)', '2026-03-15T06:30:00.000Z', 'lists and month names'],
    ['cron(0 0 1 jul ? 2027,2029)', '2027-07-01T00:00:00.000Z', 'lower-case names, a list of years'],
    ['cron(0 12 1 1 ? 2020)', null, 'a year in the past never fires'],
  ];
  for (const [expression, expected, why] of cases) assert.equal(next(expression), expected, `${expression}: ${why}`);
});

test('the next fire time is strictly after the given time, and L / # follow the calendar', () => {
  assert.equal(next('cron(0 12 * * ? *)', Date.parse('2026-03-10T12:00:00Z')), '2026-03-11T12:00:00.000Z');
  assert.equal(next('cron(15 10 ? * 6L 2026)', Date.parse('2026-03-27T10:15:00Z')), '2026-04-24T10:15:00.000Z', 'April 30 is a Thursday');
  assert.equal(next('cron(15 10 ? * 6L 2026)', Date.parse('2026-12-26T00:00:00Z')), null, 'the last Friday of 2026 was December 25');
  assert.equal(next('cron(0 8 LW * ? *)', Date.parse('2026-05-01T00:00:00Z')), '2026-05-29T08:00:00.000Z', 'May 31 2026 is a Sunday');
  assert.equal(next('cron(0 18 ? * MON-FRI *)', Date.parse('2026-03-13T19:00:00Z')), '2026-03-16T18:00:00.000Z', 'Friday evening → Monday');
});

test('rate expressions count whole periods from the deploy time', () => {
  const anchor = Date.parse('2026-03-10T10:00:00Z');
  assert.equal(next('rate(5 minutes)', AFTER, anchor), '2026-03-10T10:10:00.000Z');
  assert.equal(next('rate(1 minute)', AFTER, anchor), '2026-03-10T10:08:00.000Z');
  assert.equal(next('rate(1 minute)', anchor, anchor), '2026-03-10T10:01:00.000Z', 'the first run is one period after the deploy');
  assert.equal(next('rate(2 hours)', AFTER, anchor), '2026-03-10T12:00:00.000Z');
  assert.equal(next('rate(1 hour)', AFTER, anchor), '2026-03-10T11:00:00.000Z');
  assert.equal(next('rate(1 day)', AFTER, Date.parse('2026-03-01T00:00:00Z')), '2026-03-11T00:00:00.000Z');
  assert.equal(next('rate(3 days)', AFTER, Date.parse('2026-03-01T06:00:00Z')), '2026-03-13T06:00:00.000Z');
});

test('invalid schedules are refused with the rule they break', () => {
  const cases = [
    ['cron(0 12 1 * MON *)', /day-of-month \(1\) and day-of-week \(MON\) are both set — EventBridge needs \? in one of them/],
    ['cron(0 12 * * * *)', /are both set — EventBridge needs \? in one of them, e\.g\. cron\(0 12 \* \* \? \*\)/],
    ['cron(0 12 ? * ? *)', /both \? — set one of them/],
    ['cron(0 12 * * ?)', /has 6 fields \(minutes hours day-of-month month day-of-week year\), this one has 5 \(EventBridge adds a year field/],
    ['cron(0 0 12 * * ? *)', /this one has 7/],
    ['cron()', /this one has 0/],
    ['cron(60 12 * * ? *)', /minutes: 60 is out of range — use 0-59/],
    ['cron(0 24 * * ? *)', /hours: 24 is out of range — use 0-23/],
    ['cron(0 12 32 * ? *)', /day-of-month: 32 is out of range — use 1-31/],
    ['cron(0 12 0 * ? *)', /day-of-month: 0 is out of range/],
    ['cron(0 12 * 13 ? *)', /month: 13 is out of range — use 1-12 \(or JAN-DEC\)/],
    ['cron(0 12 ? * 0 *)', /day-of-week: 0 is out of range — use 1-7 \(or SUN-SAT\)/],
    ['cron(0 12 ? * 8 *)', /day-of-week: 8 is out of range/],
    ['cron(0 12 * * ? 1969)', /year: 1969 is out of range — use 1970-2199/],
    ['cron(0 12 ? * FUN *)', /day-of-week: "FUN" is not a value — use 1-7 or SUN-SAT/],
    ['cron(0 12 ? * 2#6 *)', /the number after # is 1 to 5/],
    ['cron(0 12 ? * 1-5L *)', /# and L stand alone/],
    ['cron(0 12 L-2 * ? *)', /L and W stand alone/],
    ['cron(*/0 * * * ? *)', /minutes "\*\/0": the step after \/ must be a whole number from 1 to 59/],
    ['cron(0 18-9 * * ? *)', /hours "18-9": a range goes from low to high/],
    ['cron(? 12 * * ? *)', /minutes: \? is only allowed in day-of-month or day-of-week/],
    ['rate(0 minutes)', /rate\(0 minutes\): the value must be a whole number of at least 1/],
    ['rate(-5 minutes)', /the value must be a whole number of at least 1/],
    ['rate(1.5 hours)', /the value must be a whole number of at least 1/],
    ['rate(1 minutes)', /rate\(1 minutes\): with 1 the unit is singular — write rate\(1 minute\)/],
    ['rate(5 minute)', /with 5 the unit is plural — write rate\(5 minutes\)/],
    ['rate(5 seconds)', /unknown unit "seconds" — use minute\(s\), hour\(s\) or day\(s\)/],
    ['rate(2 weeks)', /unknown unit "weeks"/],
    ['rate(5)', /"rate\(5\)" is not a rate — write rate\(N unit\)/],
    ['at(2026-03-10T10:00:00)', /is not a schedule — use cron\(min hour day-of-month month day-of-week year\) or rate/],
    ['', /the schedule is empty/],
  ];
  for (const [expression, message] of cases) {
    assert.throws(() => parseSchedule(expression), (error) => {
      assert.equal(error.name, 'ScheduleError');
      assert.match(error.message, message, expression);
      return true;
    }, expression);
  }
});
