import { LessError, type Problem } from '../errors.js';

/** Collects every problem found while walking a project, so the user sees them all at once. */
export class ProblemList {
  readonly items: Problem[] = [];

  add(path: string, problem: string, fix: string): void {
    this.items.push({ path, problem, fix });
  }

  get length(): number {
    return this.items.length;
  }

  /** The one error thrown for a project that fails validation. Problems are sorted by path. */
  toError(root: string): LessError {
    // Stable sort: problems of one path keep the order in which the walk found them.
    const problems = [...this.items].sort((a, b) => compareText(a.path, b.path));
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    const first = problems[0];
    const firstText = first ? `${first.path}: ${first.problem}` : '';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return new LessError('validation_failed', `${count} in ${root}: ${firstText}${more}`, { problems });
  }
}

/** One line per problem: what, where, how to fix. */
export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.problem} — fix: ${p.fix}`).join('\n');
}

/** Code-unit order: independent of the machine's locale, so output is identical everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
