/**
 * Every error OpenLess raises on purpose is a LessError with a stable code.
 * `user` errors are mistakes the user can fix (bad project, bad input): they are
 * shown as one line, never with a stack. Anything else is a system fault.
 * Each code is described once in docs/errors.md.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_project_name'
  | 'project_not_found'
  | 'project_dir_not_found'
  | 'build_failed'
  | 'syntax_error'
  | 'python_unavailable'
  | 'dependency_install_failed'
  | 'server_unreachable'
  | 'port_in_use'
  | 'unauthorized'
  | 'bad_request'
  | 'kvs_invalid_key'
  | 'kvs_value_too_large'
  | 'kvs_invalid_value'
  | 'kvs_invalid_ttl'
  | 'topic_not_found'
  | 'topic_invalid_message'
  | 'topic_message_too_large'
  | 'files_invalid_path'
  | 'files_invalid_expiry'
  | 'function_not_found'
  | 'function_invalid_payload'
  | 'function_error'
  | 'function_timeout'
  | 'function_call_depth'
  | 'internal'
  | 'invalid_arguments'
  | 'missing_env_var'
  | 'missing_cron_schedule'
  | 'invalid_cron_schedule'
  | 'server_start_failed'
  | 'server_stop_failed'
  | 'connection_failed';

/** One thing wrong with a project, with where it is and how to fix it. */
export interface Problem {
  /** Path relative to the project root, e.g. `less/sockets/demo/connect`. */
  path: string;
  problem: string;
  fix: string;
}

export class LessError extends Error {
  readonly code: ErrorCode;
  readonly user: boolean;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message: string, options: { user?: boolean; problems?: Problem[] } = {}) {
    super(message);
    this.name = 'LessError';
    this.code = code;
    this.user = options.user ?? true;
    this.problems = options.problems ?? [];
  }

  toJSON(): { code: ErrorCode; message: string; problems?: Problem[] } {
    return this.problems.length > 0
      ? { code: this.code, message: this.message, problems: this.problems }
      : { code: this.code, message: this.message };
  }
}

export function isLessError(error: unknown): error is LessError {
  return error instanceof LessError;
}

/** The one wording, wherever a project name meets no deployed project (the CLI says it its own way). */
export function projectNotDeployed(name: string): LessError {
  return new LessError('project_not_found', `no project "${name}" is deployed here (\`less-cli list\` shows the deployed projects)`);
}

/** The names an error offers instead of a wrong one: `a, b, c`, `a, b and 3 more` past `limit`, or `none`. */
export function nameList(names: Iterable<string>, limit = Infinity): string {
  const list = [...names];
  if (list.length === 0) return 'none';
  const more = list.length > limit ? ` and ${list.length - limit} more` : '';
  return list.slice(0, limit).join(', ') + more;
}
