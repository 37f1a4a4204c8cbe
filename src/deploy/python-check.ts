/**
 * Deploy-time check of a project's Python: every `.py` file under less/ must compile, so
 * a syntax error fails the deploy (naming file and line) instead of the first request.
 * Static sites (less/statics/) are skipped: a `.py` there is a file to download, not code.
 * One interpreter checks all files (src/runtime/python/check_syntax.py); nothing is run
 * or imported. Without an interpreter a project with Python handlers cannot run, which is
 * a deploy error too; `.py` files that no handler uses are then left unchecked.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LessError, type Problem } from '../errors.js';
import { isIgnored } from '../project/folders.js';
import { allHandlers, type Project } from '../project/types.js';
import { MIN_PYTHON, pythonCommand, syntaxCheckScript } from '../runtime/python/interpreter.js';

interface CheckReport {
  version: [number, number, number];
  errors: { path: string; line: number; message: string }[];
}

const FIX = 'correct the Python syntax and deploy again';

export async function checkPython(project: Project, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const files = await pythonFiles(project.root, 'less');
  if (files.length === 0) return;
  const python = pythonCommand(env);
  const needed = allHandlers(project).some((handler) => handler.language === 'python');
  let report: CheckReport;
  try {
    report = await runCheck(python, files.map((path) => ({ path, file: join(project.root, path) })));
  } catch (error) {
    if (!needed) return;
    throw new LessError('python_unavailable', `the project has Python handlers, but ${(error as Error).message} — install Python ${MIN_PYTHON.join('.')} or newer, or set LESS_PYTHON to its path for the server`);
  }
  const [major, minor] = report.version;
  if (needed && (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1]))) {
    throw new LessError('python_unavailable', `the project has Python handlers, but "${python}" is Python ${report.version.join('.')} — install Python ${MIN_PYTHON.join('.')} or newer, or set LESS_PYTHON to its path for the server`);
  }
  if (report.errors.length > 0) {
    const problems: Problem[] = report.errors.map((e) => ({ path: `${e.path}:${e.line}`, problem: e.message, fix: FIX }));
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new LessError('syntax_error', `${first.path}: ${first.problem}${more} — ${FIX}`, { problems });
  }
}

/** Static sites' files are served as they are, whatever their extension. */
const STATICS = 'less/statics';

/** `.py` files below `rel`, as root-relative `/` paths, skipping what the loader ignores (__pycache__, dotfiles, node_modules) and static sites. */
async function pythonFiles(root: string, rel: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    if (isIgnored(entry.name)) continue;
    const path = `${rel}/${entry.name}`;
    if (path === STATICS) continue;
    if (entry.isDirectory()) found.push(...(await pythonFiles(root, path)));
    else if (entry.name.endsWith('.py')) found.push(path);
  }
  return found.sort();
}

function runCheck(python: string, files: { path: string; file: string }[]): Promise<CheckReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [syntaxCheckScript], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined); // the interpreter may exit before reading (reported below)
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? `"${python}" was not found` : `"${python}" could not be started (${error.message})`)),
    );
    child.once('close', (code) => {
      try {
        if (code !== 0) throw new Error(stderr.trim().split('\n').pop() ?? `exit code ${code}`);
        resolve(JSON.parse(stdout) as CheckReport);
      } catch (error) {
        reject(new Error(`"${python}" could not check the Python files (${(error as Error).message})`));
      }
    });
    child.stdin.end(JSON.stringify(files));
  });
}
