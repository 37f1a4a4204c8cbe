/**
 * What this release can run. The loader validates every resource kind of SPEC section 1,
 * but anything it accepts must also run (LESSONS): a project using a kind that is not
 * served yet fails its deploy with the paths, instead of deploying and failing later.
 */
import { LessError, type Problem } from '../errors.js';
import type { Project } from '../project/types.js';

export function assertSupported(project: Project): void {
  const problems: Problem[] = [];
  const later = (path: string, what: string) =>
    problems.push({ path, problem: `${what} are not served by this OpenLess version yet`, fix: `remove ${path} to deploy the rest of the project` });
  if (project.topics.length > 0) later('less/topics', 'topics');
  if (project.externalTopics.length > 0) later('less/external_topics', 'external topics');
  if (project.crons.length > 0) later('less/crons', 'cron jobs');
  if (project.functions.length > 0) later('less/functions', 'cloud functions');
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new LessError('unsupported_resource', `${first.path}: ${first.problem}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, { problems });
  }
}
