import { access, constants, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkName, type NameRule } from './names.js';
import { compareText, type ProblemList } from './problems.js';
import type { Handler, Language } from './types.js';

/** State of one walk: the project root and where problems go. Paths below are root-relative. */
export interface Walk {
  root: string;
  problems: ProblemList;
}

export interface Entry {
  name: string;
  /** Relative to the project root, `/`-separated. */
  rel: string;
  abs: string;
  kind: 'dir' | 'file';
}

export const HANDLER_FILES = ['index.js', 'index.mjs', 'index.ts', '__init__.py'] as const;
export const HANDLER_LIST = 'index.js, index.mjs, index.ts or __init__.py';

/**
 * Entries that tools create next to a project's files and that are never part of its layout:
 * dotfiles (.DS_Store, .git, .gitkeep), npm's node_modules, and the __pycache__ folders
 * Python writes beside every module it imports (including handlers and less/shared).
 */
export function isIgnored(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name === '__pycache__';
}

export function languageOf(file: string): Language {
  if (file.endsWith('.py')) return 'python';
  if (file.endsWith('.ts')) return 'typescript';
  return 'javascript';
}

/** The folder's entries sorted by name, without ignored ones; undefined if it cannot be read. */
export async function listDir(w: Walk, rel: string): Promise<Entry[] | undefined> {
  const abs = join(w.root, rel);
  let dirents;
  try {
    dirents = await readdir(abs, { withFileTypes: true });
  } catch (error) {
    w.problems.add(rel, `cannot be read (${errorCode(error)})`, `make the folder readable by the user running OpenLess, e.g. chmod -R a+rX ${rel}`);
    return undefined;
  }
  const entries: Entry[] = [];
  for (const dirent of dirents.sort((a, b) => compareText(a.name, b.name))) {
    if (isIgnored(dirent.name)) continue;
    const entry = { name: dirent.name, rel: `${rel}/${dirent.name}`, abs: join(abs, dirent.name) };
    let isDir = dirent.isDirectory();
    let isFile = dirent.isFile();
    if (dirent.isSymbolicLink()) {
      // Symlinks are followed (users link shared code in); a dangling one cannot be deployed.
      try {
        const target = await stat(entry.abs);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        w.problems.add(entry.rel, 'is a symbolic link whose target cannot be read', `point the link at an existing file or delete it`);
        continue;
      }
    }
    if (isDir) entries.push({ ...entry, kind: 'dir' });
    else if (isFile) entries.push({ ...entry, kind: 'file' });
    else w.problems.add(entry.rel, 'is neither a file nor a folder', `delete it or move it out of less/`);
  }
  return entries;
}

/** Reports a bad folder name; true when the name is valid. */
export function validName(w: Walk, entry: Entry, kind: string, rule: NameRule = 'resource'): boolean {
  const bad = checkName(kind, entry.name, rule);
  if (bad) w.problems.add(entry.rel, bad.problem, bad.fix);
  return bad === undefined;
}

/** Reports a file where a resource folder is expected; true when `entry` is a folder. */
export function expectFolder(w: Walk, entry: Entry, kind: string, fix?: string): boolean {
  if (entry.kind === 'dir') return true;
  w.problems.add(entry.rel, `is a file, but each ${kind} is a folder`, fix ?? `move it into a ${kind} folder in ${parentOf(entry)}, or delete it`);
  return false;
}

/** Where a stray handler file probably belongs: `less/crons/daily.js` → `less/crons/daily/index.js`. */
export function handlerFileFix(entry: Entry): string | undefined {
  const match = /^(.+)\.(js|mjs|ts|py)$/.exec(entry.name);
  if (!match) return undefined;
  const handler = match[2] === 'py' ? '__init__.py' : `index.${match[2]}`;
  return `move it to ${parentOf(entry)}/${match[1]}/${handler}, or delete it`;
}

function parentOf(entry: Entry): string {
  return entry.rel.slice(0, entry.rel.length - entry.name.length - 1);
}

/**
 * Loads a folder that holds exactly one handler. Other files (helpers imported relatively)
 * and sub-folders (lib/, vendored code) are allowed beside it.
 */
export async function loadHandlerFolder(w: Walk, rel: string, functionPath: string): Promise<Handler | undefined> {
  const entries = await listDir(w, rel);
  if (!entries) return undefined;
  const found = entries.filter((e) => e.kind === 'file' && (HANDLER_FILES as readonly string[]).includes(e.name));
  const [first] = found;
  if (!first) {
    if (!alreadyReported(w, rel, (name) => (HANDLER_FILES as readonly string[]).includes(name))) {
      w.problems.add(rel, 'has no handler', `add ${HANDLER_LIST} to ${rel}`);
    }
    return undefined;
  }
  if (found.length > 1) {
    const names = found.map((e) => e.name).join(' and ');
    w.problems.add(rel, `has ${found.length} handlers (${names}); a folder holds exactly one`, `keep one of ${names} and delete the other${found.length > 2 ? 's' : ''}`);
    return undefined;
  }
  return readableHandler(w, first, functionPath);
}

/** A handler for `entry` if the file can be read. */
export async function readableHandler(w: Walk, entry: Entry, functionPath: string): Promise<Handler | undefined> {
  try {
    await access(entry.abs, constants.R_OK);
  } catch (error) {
    w.problems.add(entry.rel, `cannot be read (${errorCode(error)})`, `make it readable by the user running OpenLess, e.g. chmod a+r ${entry.rel}`);
    return undefined;
  }
  return { functionPath, file: entry.rel, language: languageOf(entry.name) };
}

/**
 * True when listDir already reported an entry of `rel` matching `name` (a dangling symlink
 * named index.js): then "has no handler" would only repeat the same mistake less precisely.
 */
export function alreadyReported(w: Walk, rel: string, name: (name: string) => boolean): boolean {
  return w.problems.items.some((p) => p.path.startsWith(`${rel}/`) && name(p.path.slice(rel.length + 1)));
}

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
