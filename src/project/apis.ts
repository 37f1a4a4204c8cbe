import { alreadyReported, expectFolder, listDir, readableHandler, validName, type Entry, type Walk } from './folders.js';
import { checkName, suggestName } from './names.js';
import { compareText } from './problems.js';
import { HTTP_VERBS, type Api, type Handler, type HttpVerb, type Route } from './types.js';

const VERB_FILE = /^(get|post|put|patch|delete)\.(js|mjs|ts|py)$/;
const PARAM_FOLDER = /^\{(.*)\}$/;
// RFC 3986 "unreserved" characters: such a segment needs no percent-encoding, so the folder
// name is exactly what appears in the URL and routing never has to guess about encodings.
const STATIC_SEGMENT = /^[A-Za-z0-9_.~-]+$/;
const VERB_FIX = 'name handler files get, post, put, patch or delete with .js, .mjs, .ts or .py';

/** `less/apis/<api>/...`: every folder below an API is a route segment. */
export async function loadApis(w: Walk, entries: Entry[]): Promise<Api[]> {
  const apis: Api[] = [];
  for (const entry of entries) {
    if (!expectFolder(w, entry, 'API', `move it into an API folder, e.g. less/apis/my_api/hello/${VERB_FILE.test(entry.name) ? entry.name : 'get.js'}`)) continue;
    validName(w, entry, 'API');
    const routes: Route[] = [];
    await walkRoute(w, entry.name, entry.rel, [], routes);
    apis.push({ name: entry.name, routes: routes.sort((a, b) => compareText(a.pattern, b.pattern)) });
  }
  return apis;
}

async function walkRoute(w: Walk, api: string, rel: string, segments: string[], routes: Route[]): Promise<void> {
  const entries = await listDir(w, rel);
  if (!entries) return;
  const files = entries.filter((e) => e.kind === 'file');
  const folders = entries.filter((e) => e.kind === 'dir');

  const byVerb = new Map<HttpVerb, Entry[]>();
  for (const file of files) {
    const verb = VERB_FILE.exec(file.name)?.[1] as HttpVerb | undefined;
    if (verb) byVerb.set(verb, [...(byVerb.get(verb) ?? []), file]);
    // Every file of an API folder is a route handler in Less; helpers next to them would be
    // deployed as nothing, so they are reported rather than silently skipped.
    else w.problems.add(file.rel, 'is not a verb file', `${VERB_FIX}; move shared code to less/shared/<module>`);
  }

  const verbs: Partial<Record<HttpVerb, Handler>> = {};
  for (const verb of HTTP_VERBS) {
    const found = byVerb.get(verb) ?? [];
    if (found.length > 1) {
      const names = found.map((e) => e.name).join(' and ');
      w.problems.add(rel, `has ${found.length} ${verb} handlers (${names})`, `keep one of ${names} and delete the other${found.length > 2 ? 's' : ''}`);
    } else if (found[0]) {
      const handler = await readableHandler(w, found[0], ['apis', api, ...segments, verb].join('/'));
      if (handler) verbs[verb] = handler;
    }
  }
  if (byVerb.size > 0) {
    routes.push({ segments, pattern: `/${segments.join('/')}`, verbs });
  } else if (folders.length === 0 && !alreadyReported(w, rel, (name) => VERB_FILE.test(name))) {
    w.problems.add(rel, 'has no verb files and no sub-folders', `add get.js (or another verb file: ${VERB_FIX}) to ${rel}, or delete the folder`);
  }

  const params = folders.filter((f) => PARAM_FOLDER.test(f.name));
  if (params.length > 1) {
    w.problems.add(rel, `has ${params.length} path parameter folders (${params.map((p) => p.name).join(' and ')}); a request cannot tell them apart`, `keep one parameter folder and move the others' handlers into it`);
  }
  for (const folder of folders) {
    // Descend even below a bad segment, so one run reports every problem.
    checkSegment(w, folder, segments);
    await walkRoute(w, api, folder.rel, [...segments, folder.name], routes);
  }
}

function checkSegment(w: Walk, folder: Entry, segments: string[]): void {
  const param = PARAM_FOLDER.exec(folder.name)?.[1];
  if (param === undefined) {
    if (STATIC_SEGMENT.test(folder.name)) return;
    w.problems.add(folder.rel, `is neither a path segment (letters, digits, _ . ~ -) nor a path parameter {name}`, `rename the folder, e.g. ${folder.name.replace(/[^A-Za-z0-9_.~-]/g, '-')} or {${suggestName(folder.name)}}`);
    return;
  }
  const bad = checkName('path parameter', param);
  if (bad) {
    w.problems.add(folder.rel, bad.problem, `rename the folder to {${suggestName(param)}}`);
    return;
  }
  if (segments.includes(folder.name)) {
    w.problems.add(folder.rel, `repeats the path parameter ${folder.name} of a parent folder`, `rename it, e.g. {${param}2}`);
  }
}
