/**
 * Cron schedules in AWS EventBridge syntax (docs/crons.md), evaluated in UTC:
 *
 *   cron(min hour day-of-month month day-of-week year)   the `cron(...)` wrapper is optional
 *   rate(N minute|minutes|hour|hours|day|days)           singular unit only with 1, as AWS
 *
 * The grammar is checked here, field by field, so a mistake gets EventBridge's rule and an
 * example in the error rather than a library's message. The next fire time of a valid `cron`
 * is computed by croner (L, W, #, year field, Quartz's 1-7 = SUN-SAT weekdays): the parsed
 * fields are written out again in croner's 7-field form, with names turned into numbers.
 */
import { Cron } from 'croner';

export type Schedule =
  | { kind: 'rate'; text: string; everyMs: number }
  | { kind: 'cron'; text: string; cron: Cron };

/** An expression that is not a valid schedule; `message` says why and how to write it. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

const EXAMPLE = 'cron(0 12 * * ? *)';
const MINUTE_MS = 60_000;
const RATE_UNITS: Record<string, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  name: string;
  min: number;
  max: number;
  /** Names accepted for values, the first meaning `min`. */
  names?: string[];
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS },
  year: { name: 'year', min: 1970, max: 2199 },
} satisfies Record<string, Field>;

/** Parses `text`; throws a ScheduleError naming the rule that is broken. */
export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  if (trimmed === '') throw new ScheduleError(`the schedule is empty — write e.g. ${EXAMPLE} or rate(5 minutes)`);
  if (/^rate\s*\(/i.test(trimmed)) return parseRate(trimmed);
  const wrapped = /^cron\s*\((.*)\)$/is.exec(trimmed);
  if (!wrapped && /^[a-z]+\s*\(/i.test(trimmed)) {
    throw new ScheduleError(`"${trimmed}" is not a schedule — use cron(min hour day-of-month month day-of-week year) or rate(N minutes|hours|days)`);
  }
  return { kind: 'cron', text: trimmed, cron: parseCron(wrapped ? wrapped[1]! : trimmed) };
}

/**
 * The first fire time strictly after `after` (ms since epoch), or null when the schedule
 * never fires again (a year in the past). A rate counts whole periods from `anchor`, the
 * time it was deployed, so a restart keeps its rhythm.
 */
export function nextFire(schedule: Schedule, after: number, anchor: number): number | null {
  if (schedule.kind === 'rate') {
    const periods = Math.max(1, Math.floor((after - anchor) / schedule.everyMs) + 1);
    return anchor + periods * schedule.everyMs;
  }
  return schedule.cron.nextRun(new Date(after))?.getTime() ?? null;
}

function parseRate(text: string): Schedule {
  const match = /^rate\s*\(\s*(\S+)\s+(\S+)\s*\)$/i.exec(text);
  if (!match) throw new ScheduleError(`"${text}" is not a rate — write rate(N unit), e.g. rate(5 minutes) or rate(1 hour)`);
  const [, count, unit] = match as unknown as [string, string, string];
  if (!/^\d+$/.test(count) || Number(count) < 1) {
    throw new ScheduleError(`${text}: the value must be a whole number of at least 1, e.g. rate(5 minutes)`);
  }
  const value = Number(count);
  const lower = unit.toLowerCase();
  const singular = lower.replace(/s$/, '');
  const unitMs = RATE_UNITS[singular];
  if (unitMs === undefined) throw new ScheduleError(`${text}: unknown unit "${unit}" — use minute(s), hour(s) or day(s)`);
  if (value === 1 && lower !== singular) throw new ScheduleError(`${text}: with 1 the unit is singular — write rate(1 ${singular})`);
  if (value > 1 && lower === singular) throw new ScheduleError(`${text}: with ${value} the unit is plural — write rate(${value} ${singular}s)`);
  return { kind: 'rate', text, everyMs: value * unitMs };
}

function parseCron(body: string): Cron {
  const parts = body.trim().split(/\s+/).filter((part) => part !== '');
  if (parts.length !== 6) {
    const hint = parts.length === 5 ? ' (EventBridge adds a year field: append * for every year)' : '';
    throw new ScheduleError(
      `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has ${parts.length}${hint} — e.g. ${EXAMPLE}`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts as [string, string, string, string, string, string];
  if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    throw new ScheduleError(
      `day-of-month (${dayOfMonth}) and day-of-week (${dayOfWeek}) are both set — EventBridge needs ? in one of them, e.g. ${EXAMPLE} or cron(0 12 ? * MON *)`,
    );
  }
  if (dayOfMonth === '?' && dayOfWeek === '?') {
    throw new ScheduleError(`day-of-month and day-of-week are both ? — set one of them (* for every day), e.g. ${EXAMPLE}`);
  }
  const pattern = [
    '0', // croner's seconds field: schedules have minute precision
    list(minutes, FIELDS.minutes),
    list(hours, FIELDS.hours),
    dayOfMonth === '?' ? '?' : dayOfMonthField(dayOfMonth),
    list(month, FIELDS.month),
    dayOfWeek === '?' ? '?' : dayOfWeekField(dayOfWeek),
    list(year, FIELDS.year),
  ].join(' ');
  try {
    return new Cron(pattern, { mode: '7-part', alternativeWeekdays: true, timezone: 'UTC', paused: true });
  } catch (error) {
    // The grammar above should leave nothing for croner to refuse; if it does, say so plainly.
    throw new ScheduleError(`cron(${body.trim()}) is not a valid cron expression (${(error as Error).message})`);
  }
}

/** `L` (last day), `LW` (last weekday), `15W` (weekday nearest the 15th), or a list. */
function dayOfMonthField(text: string): string {
  const upper = text.toUpperCase();
  if (upper === 'L' || upper === 'LW') return upper;
  const weekday = /^(\d+)W$/.exec(upper);
  if (weekday) return `${value(weekday[1]!, FIELDS.dayOfMonth)}W`;
  if (/[LW]/.test(upper)) {
    throw new ScheduleError(`day-of-month "${text}": L and W stand alone — L (last day), LW (last weekday) or 15W (weekday nearest the 15th)`);
  }
  return list(text, FIELDS.dayOfMonth);
}

/** `L` (Saturday, the week's last day), `6L` (last Friday), `2#1` (first Monday), or a list. */
function dayOfWeekField(text: string): string {
  const upper = text.toUpperCase();
  if (upper === 'L') return '7';
  const last = /^(\w+)L$/.exec(upper);
  if (last && upper.length > 1) return `${value(last[1]!, FIELDS.dayOfWeek)}L`;
  const nth = /^(\w+)#(\d+)$/.exec(upper);
  if (nth) {
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5) throw new ScheduleError(`day-of-week "${text}": the number after # is 1 to 5 (2#1 is the first Monday)`);
    return `${value(nth[1]!, FIELDS.dayOfWeek)}#${occurrence}`;
  }
  if (upper.includes('#') || /^\d+L|L$/.test(upper)) {
    throw new ScheduleError(`day-of-week "${text}": # and L stand alone — 2#1 (first Monday), 6L (last Friday)`);
  }
  return list(text, FIELDS.dayOfWeek);
}

/** `*`, `n`, `a-b`, with an optional `/step` (`*\/15`, `0/15`, `8-17/2`), comma-separated. */
function list(text: string, field: Field): string {
  if (text === '?') throw new ScheduleError(`${field.name}: ? is only allowed in day-of-month or day-of-week`);
  return text.split(',').map((item) => listItem(item, field)).join(',');
}

function listItem(item: string, field: Field): string {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === '' || step === '') {
    throw new ScheduleError(`${field.name} "${item}": write a value, a range a-b or a step like */15 or 0/15`);
  }
  let low: number;
  let high: number;
  if (range === '*') {
    [low, high] = [field.min, field.max];
  } else if (range!.includes('-')) {
    const [from, to, more] = range!.split('-');
    if (more !== undefined) throw new ScheduleError(`${field.name} "${item}": a range has two ends, e.g. ${field.min}-${field.max}`);
    [low, high] = [value(from!, field), value(to!, field)];
    if (low > high) throw new ScheduleError(`${field.name} "${item}": a range goes from low to high, e.g. ${Math.min(low, high)}-${Math.max(low, high)}`);
  } else {
    low = value(range!, field);
    // `0/15` means "from 0 every 15"; croner wants the end written out: 0-59/15.
    high = step === undefined ? low : field.max;
  }
  const base = range === '*' ? '*' : low === high ? String(low) : `${low}-${high}`;
  if (step === undefined) return base;
  const every = /^\d+$/.test(step) ? Number(step) : NaN;
  if (!(every >= 1 && every <= field.max)) {
    throw new ScheduleError(`${field.name} "${item}": the step after / must be a whole number from 1 to ${field.max}`);
  }
  return `${low === high && range !== '*' ? `${low}-${field.max}` : base}/${every}`;
}

function value(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) {
    const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
    throw new ScheduleError(`${field.name}: "${text}" is not a value — use ${field.min}-${field.max}${names}`);
  }
  const number = Number(text);
  if (number < field.min || number > field.max) {
    const names = field.names ? ` (or ${field.names[0]}-${field.names[field.names.length - 1]})` : '';
    throw new ScheduleError(`${field.name}: ${number} is out of range — use ${field.min}-${field.max}${names}`);
  }
  return number;
}
