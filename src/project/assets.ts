import { expectFolder, validName, type Entry, type Walk } from './folders.js';
import { checkName } from './names.js';
import { compareText } from './problems.js';
import type { SharedModule, StaticSite } from './types.js';

const MODULE_FILE = /^(.+)\.(js|mjs|ts|py)$/;

/** `less/shared/<module>/...` or `less/shared/<module>.<ext>`; contents are not inspected. */
export function loadShared(w: Walk, entries: Entry[]): SharedModule[] {
  const modules: SharedModule[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    let name = entry.name;
    if (entry.kind === 'file') {
      const match = MODULE_FILE.exec(entry.name);
      if (!match?.[1]) {
        w.problems.add(entry.rel, 'is not a shared module: modules are folders or .js, .mjs, .ts or .py files', `move it into a module folder such as less/shared/my_module/, or delete it`);
        continue;
      }
      name = match[1];
    }
    const bad = checkName('shared module', name);
    if (bad) w.problems.add(entry.rel, bad.problem, bad.fix.replace('the folder', entry.kind === 'file' ? 'the file' : 'the folder'));
    const other = seen.get(name);
    if (other !== undefined) {
      // `require('models')` / `import models` would resolve to only one of them.
      w.problems.add(entry.rel, `defines the shared module ${name} a second time (also ${other})`, `keep one of ${other} and ${entry.rel}`);
      continue;
    }
    seen.set(name, entry.rel);
    modules.push({ name, path: entry.rel });
  }
  return modules.sort((a, b) => compareText(a.name, b.name));
}

/** `less/statics/<site>/...`: served as is, so only the site folder itself is checked. */
export function loadStatics(w: Walk, entries: Entry[]): StaticSite[] {
  const sites: StaticSite[] = [];
  for (const entry of entries) {
    if (!expectFolder(w, entry, 'static site', `move it into a site folder, e.g. less/statics/my-site/${entry.name}`)) continue;
    validName(w, entry, 'static site', 'site');
    sites.push({ name: entry.name, path: entry.rel });
  }
  return sites;
}
