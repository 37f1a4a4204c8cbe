import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadApis } from './apis.js';
import { loadShared, loadStatics } from './assets.js';
import { readConfig } from './config.js';
import { errorCode, listDir, type Entry, type Walk } from './folders.js';
import { loadCrons, loadExternalTopics, loadFunctions, loadSockets, loadTopics } from './handlers.js';
import { ProblemList } from './problems.js';
import type { Project } from './types.js';

export { formatProblems } from './problems.js';

export const LESS_FOLDERS = ['apis', 'sockets', 'topics', 'external_topics', 'crons', 'functions', 'shared', 'statics'] as const;
type LessFolder = (typeof LESS_FOLDERS)[number];

/**
 * Walks `<root>/less/` into a frozen Project. Every problem in the project is collected
 * and reported in one LessError('validation_failed'); there is no partial result.
 * The walk is sequential so problems come out in a stable order.
 */
export async function loadProject(root: string): Promise<Project> {
  const w: Walk = { root: resolve(root), problems: new ProblemList() };
  const config = await readConfig(w.root, w.problems);
  const hasDependencies = await readHasDependencies(w);
  const folders = await readLessFolder(w);

  const project: Project = {
    root: w.root,
    apis: await loadApis(w, folders.apis),
    sockets: await loadSockets(w, folders.sockets),
    topics: await loadTopics(w, folders.topics),
    externalTopics: await loadExternalTopics(w, folders.external_topics),
    crons: await loadCrons(w, folders.crons),
    functions: await loadFunctions(w, folders.functions),
    shared: loadShared(w, folders.shared),
    statics: loadStatics(w, folders.statics),
    envVars: config.envVars,
    hasDependencies,
  };
  if (w.problems.length > 0) throw w.problems.toError(w.root);
  return deepFreeze(project);
}

/** The entries of each known folder of `less/` (empty when absent); anything else is a problem. */
async function readLessFolder(w: Walk): Promise<Record<LessFolder, Entry[]>> {
  const folders = Object.fromEntries(LESS_FOLDERS.map((name) => [name, [] as Entry[]])) as Record<LessFolder, Entry[]>;
  try {
    if (!(await stat(join(w.root, 'less'))).isDirectory()) {
      w.problems.add('less', 'is a file, but it must be the folder that holds the project', 'rename or delete the file and create the folder: mkdir less');
      return folders;
    }
  } catch {
    w.problems.add('less', `there is no less/ folder in ${w.root}`, 'run the command from the project root (the folder that holds less/), or create it: mkdir less');
    return folders;
  }
  const allowed = LESS_FOLDERS.join(', ');
  for (const entry of (await listDir(w, 'less')) ?? []) {
    const known = LESS_FOLDERS.find((name) => name === entry.name);
    if (!known) {
      const near = LESS_FOLDERS.find((name) => name === `${entry.name}s` || name === entry.name.toLowerCase());
      const hint = near ? `rename it to less/${near}, or move it out of less/` : 'move it out of less/ or delete it';
      w.problems.add(entry.rel, `is not a Less folder; less/ may only contain ${allowed}`, hint);
    } else if (entry.kind !== 'dir') {
      w.problems.add(entry.rel, 'is a file, but it must be a folder', `delete the file and create the folder: mkdir ${entry.rel}`);
    } else {
      folders[known] = (await listDir(w, entry.rel)) ?? [];
    }
  }
  return folders;
}

/** True when `<root>/package.json` lists at least one dependency (so an install is needed). */
async function readHasDependencies(w: Walk): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(w.root, 'package.json'), 'utf8');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') w.problems.add('package.json', `cannot be read (${errorCode(error)})`, 'make it readable by the user running OpenLess, e.g. chmod a+r package.json');
    return false;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    // Caught here rather than at install time, so nothing is deployed with a broken manifest.
    w.problems.add('package.json', `is not valid JSON: ${(error as Error).message}`, 'correct the JSON, e.g. check with: node -e "require(\'./package.json\')"');
    return false;
  }
  const dependencies = (manifest as { dependencies?: unknown } | null)?.dependencies;
  return typeof dependencies === 'object' && dependencies !== null && Object.keys(dependencies).length > 0;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
