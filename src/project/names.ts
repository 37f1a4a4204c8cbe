/**
 * Naming rules shared by the loader, the CLI and the server. Resource names become
 * JavaScript property names (`sockets.demo.publish`, `topics.user_created`) and Python
 * identifiers, hence no `-`; site and external app names only appear in URLs and env
 * var lookups, so `-` is allowed there. Project names end up in host names and URLs.
 */

export const RESOURCE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
export const SITE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const PROJECT_NAME = /^[a-z][a-z0-9-]*$/;
export const PROJECT_NAME_MAX = 63;

export interface NameProblem {
  problem: string;
  fix: string;
}

/** `resource` for api, socket, channel, topic, subscriber, cron, function, module; `site` when `-` is allowed. */
export type NameRule = 'resource' | 'site';

/** Checks a folder name; `kind` is what the user calls it ("socket", "channel"). */
export function checkName(kind: string, name: string, rule: NameRule = 'resource'): NameProblem | undefined {
  const pattern = rule === 'site' ? SITE_NAME : RESOURCE_NAME;
  if (pattern.test(name)) return undefined;
  const allowed = rule === 'site' ? 'letters, digits, _ and -' : 'letters, digits and _';
  return {
    problem: `${kind} name "${name}" is invalid: it must start with a letter and contain only ${allowed}`,
    fix: `rename the folder to match ${pattern.source}, e.g. ${suggestName(name, rule)}`,
  };
}

/** A valid name close to `name`, for fix messages. */
export function suggestName(name: string, rule: NameRule = 'resource'): string {
  const invalid = rule === 'site' ? /[^A-Za-z0-9_-]/g : /[^A-Za-z0-9_]/g;
  const cleaned = name.replace(invalid, '_');
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `my_${cleaned}`;
}

/** A human message with a fix when `name` is not a valid project name, else undefined. */
export function validateProjectName(name: string): string | undefined {
  if (name.length === 0) {
    return 'project name is empty — fix: pass a name of lowercase letters, digits and -, e.g. my-project';
  }
  if (PROJECT_NAME.test(name) && name.length <= PROJECT_NAME_MAX) return undefined;
  const length = name.length > PROJECT_NAME_MAX ? ` (it has ${name.length})` : '';
  return (
    `project name "${name}" is invalid: it must start with a lowercase letter, contain only ` +
    `lowercase letters, digits and -, and be at most ${PROJECT_NAME_MAX} characters long${length}` +
    ` — fix: use a name like ${suggestProjectName(name)}`
  );
}

function suggestProjectName(name: string): string {
  // A path (`./my-app`, `projects/my-app/`) names its last folder.
  const last = name.split(/[/\\]/).filter((part) => part !== '' && part !== '.' && part !== '..').at(-1) ?? '';
  let cleaned = last.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (cleaned === '') return 'my-project';
  if (!/^[a-z]/.test(cleaned)) cleaned = `p-${cleaned}`;
  return cleaned.slice(0, PROJECT_NAME_MAX).replace(/-+$/, '');
}
