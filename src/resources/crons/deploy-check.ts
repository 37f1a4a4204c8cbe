/**
 * Deploy-time rule of SPEC 2.5: every `less/crons/<name>` needs a valid schedule in
 * `CRON_<NAME>` of the deploying shell. Every cron is checked and all problems are reported
 * at once; nothing is deployed when one fails.
 */
import { LessError, type ErrorCode, type Problem } from '../../errors.js';
import type { Project } from '../../project/types.js';
import { parseSchedule, ScheduleError } from './schedule.js';

/** The variable holding the schedule of cron `name` (SPEC 2.5: upper-cased). */
export function scheduleVariable(name: string): string {
  return `CRON_${name.toUpperCase()}`;
}

/** cron name → schedule text, for every cron of `project`; throws a LessError listing each problem. */
export function cronSchedules(project: Project, env: Record<string, string>): Record<string, string> {
  const schedules: Record<string, string> = {};
  const problems: Array<Problem & { code: ErrorCode }> = [];
  for (const cron of project.crons) {
    const path = `less/crons/${cron.name}`;
    const variable = scheduleVariable(cron.name);
    const text = env[variable];
    if (text === undefined || text.trim() === '') {
      problems.push({
        code: 'missing_cron_schedule',
        path,
        problem: `no schedule: ${variable} is not set in the deploying shell`,
        fix: `export ${variable}="cron(0 12 * * ? *)" (or "rate(5 minutes)") and deploy again`,
      });
      continue;
    }
    try {
      parseSchedule(text);
      schedules[cron.name] = text.trim();
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.push({
        code: 'invalid_cron_schedule',
        path,
        problem: `${variable}="${text}" is not a valid schedule: ${error.message}`,
        fix: `set ${variable} to an EventBridge schedule, e.g. export ${variable}="cron(0 12 * * ? *)", and deploy again`,
      });
    }
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new LessError(first.code, `${first.path}: ${first.problem} — ${first.fix}${more}`, {
      problems: problems.map(({ path, problem, fix }) => ({ path, problem, fix })),
    });
  }
  return schedules;
}
