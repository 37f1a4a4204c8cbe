/**
 * Formatting shared by several commands: the Resources block (deploy, list resources)
 * and the error report every command ends with when it fails.
 */
import { isLessError } from '../errors.js';
import type { Resources } from './client.js';
import { line, messages, resourceHeadings } from './messages.js';

export function printLines(lines: string[], stream: NodeJS.WriteStream = process.stdout): void {
  if (lines.length > 0) stream.write(lines.join('\n') + '\n');
}

/** One compact JSON line, so scripts can parse stdout as a whole. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** The hosted CLI's Resources block; a section appears only when the project has such resources. */
export function resourceLines(resources: Resources): string[] {
  const lines = [line(resourceHeadings.title)];
  const named = (heading: string, urls: Record<string, string>) => {
    const entries = Object.entries(urls ?? {});
    if (entries.length === 0) return;
    lines.push(line(`  - ${heading}`), ...entries.map(([name, url]) => line(`    - ${name}: ${url}`)));
  };
  const single = (heading: string, url: string | null) => {
    if (url) lines.push(line(`  - ${heading}`), line(`    - ${url}`));
  };
  named(resourceHeadings.apis, resources.apis);
  named(resourceHeadings.sockets, resources.sockets);
  named(resourceHeadings.statics, resources.statics);
  single(resourceHeadings.topics, resources.topics);
  single(resourceHeadings.functions, resources.functions);
  // Times as `list` shows them: the same text on every machine (schedules are UTC, docs/crons.md).
  const crons = Object.entries(resources.crons ?? {}).map(([name, cron]): [string, string] => [
    name,
    resourceHeadings.nextRun(cron.schedule, cron.next_run && `${cron.next_run.slice(0, 16).replace('T', ' ')} UTC`),
  ]);
  named(resourceHeadings.crons, Object.fromEntries(crons));
  if (lines.length === 1) lines.push(line(`  - ${resourceHeadings.none}`));
  return lines;
}

/**
 * User mistakes: one line (plus one per validation problem), no stack.
 * Anything else is a bug or a system fault: message and stack, for a bug report.
 */
export function errorLines(error: unknown): string[] {
  if (isLessError(error) && error.user) {
    // Any error that lists problems (validation, unsupported resources) shows each with its fix.
    if (error.problems.length > 0) {
      return [
        messages.errorLine(messages.validationHeader(error.problems.length)),
        ...error.problems.map((p) => messages.problemLine(p.path, p.problem, p.fix)),
      ];
    }
    return [messages.errorLine(error.message)];
  }
  if (error instanceof Error) {
    return [messages.errorLine(error.message), error.stack ?? String(error)];
  }
  return [messages.errorLine(String(error))];
}
