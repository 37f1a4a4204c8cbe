/**
 * Turns a validated project into an immutable deployment folder the executors run from:
 *
 *   <home>/projects/<name>/<version>/less/…                a snapshot of less/ (edits after deploy do not leak in)
 *   <home>/projects/<name>/<version>/less/node_modules/@chuva.io/less → OpenLess's SDK
 *   <home>/projects/<name>/<version>/less/node_modules/<module>      → ../shared/<module>
 *   <home>/projects/<name>/<version>/node_modules          → the project's own node_modules (symlink)
 *   <home>/projects/<name>/<version>/package.json
 *
 * Node's own resolution then finds, from any handler, first the SDK and the shared
 * modules, then the project's packages — for CommonJS and ES modules alike, with no hooks.
 * Everything lives inside the version folder, so a failed build changes nothing that serves.
 * The project's packages are linked, not copied: moving or deleting the source folder's
 * node_modules breaks the deployment at its next cold start (documented in docs/architecture.md).
 *
 * Python handlers find the `less` SDK and `less/shared` through sys.path instead, set by
 * their worker process (src/runtime/python/); every `.py` file is syntax-checked here first.
 */
import { cp, mkdir, readdir, rm, stat, symlink, writeFile, access } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildFailure } from 'esbuild';
import { LessError } from '../errors.js';
import { allHandlers, type Project } from '../project/types.js';
import { checkPython } from './python-check.js';

export const sdkDir = fileURLToPath(new URL('../../sdk/node', import.meta.url));

export interface Deployment {
  name: string;
  /** The version folder; `project.root` points here too. */
  dir: string;
  project: Project;
  /** functionPath → absolute file the executor imports (TypeScript already built). */
  files: Record<string, string>;
  /** Values of the `less.config` env vars, read from the deploying shell. */
  env: Record<string, string>;
  /**
   * cron name → schedule, read from `CRON_<NAME>` of the deploying shell (docs/crons.md).
   * Absent in records saved before crons were served.
   */
  schedules?: Record<string, string>;
  /**
   * external topic app folder → the project it names, from the `<APP>` variable of the
   * deploying shell when it was set (docs/topics.md#external-topics).
   */
  apps?: Record<string, string>;
}

export function projectHome(home: string, name: string): string {
  return join(home, 'projects', name);
}

export async function buildDeployment(options: {
  home: string;
  name: string;
  source: Project;
  env: Record<string, string>;
  schedules?: Record<string, string>;
  apps?: Record<string, string>;
}): Promise<Deployment> {
  const { home, name, source, env, schedules = {}, apps = {} } = options;
  const version = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = join(projectHome(home, name), version);
  try {
    await mkdir(dir, { recursive: true });
    await cp(join(source.root, 'less'), join(dir, 'less'), {
      recursive: true,
      filter: (path) => basename(path) !== '.git',
    });
    await copyIfPresent(join(source.root, 'package.json'), join(dir, 'package.json'));
    await linkProjectModules(dir, source.root);
    await linkModule(join(dir, 'less', 'node_modules', '@chuva.io', 'less'), sdkDir);
    for (const module of source.shared) {
      await linkModule(join(dir, 'less', 'node_modules', basename(module.path)), join(dir, module.path));
    }
    const project: Project = { ...source, root: dir };
    await checkPython(project);
    const files = await buildHandlers(project);
    await buildSharedTypeScript(project);
    return { name, dir, project, files, env, schedules, apps };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function copyIfPresent(from: string, to: string): Promise<void> {
  try {
    await cp(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function linkProjectModules(dir: string, sourceRoot: string): Promise<void> {
  const target = join(sourceRoot, 'node_modules');
  if (await exists(target)) await symlink(target, join(dir, 'node_modules'), 'dir');
}

async function linkModule(link: string, target: string): Promise<void> {
  await mkdir(dirname(link), { recursive: true });
  const isDir = (await stat(target)).isDirectory();
  // A shared module may be a single file (less/shared/utils.js): Node resolves node_modules/utils.js too.
  await symlink(relative(dirname(link), target), link, isDir ? 'dir' : 'file');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** JavaScript runs as written; TypeScript is bundled (relative imports only) to an ES module beside it. */
async function buildHandlers(project: Project): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const handler of allHandlers(project)) {
    const file = join(project.root, handler.file);
    if (handler.language === 'typescript') {
      const outfile = file.replace(/\.ts$/, '.mjs');
      await compile(file, outfile, 'esm', handler.file);
      files[handler.functionPath] = outfile;
    } else {
      files[handler.functionPath] = file;
    }
  }
  return files;
}

/**
 * A shared module written in TypeScript becomes CommonJS `index.js`, which both
 * `require('<module>')` and `import … from '<module>'` can load (esbuild marks the
 * named exports so Node's ESM loader sees them).
 */
async function buildSharedTypeScript(project: Project): Promise<void> {
  for (const module of project.shared) {
    const folder = join(project.root, module.path);
    if (!(await stat(folder)).isDirectory()) continue;
    const entries = await readdir(folder);
    if (!entries.includes('index.ts') || entries.includes('index.js')) continue;
    await compile(join(folder, 'index.ts'), join(folder, 'index.js'), 'cjs', `${module.path}/index.ts`);
    if (!entries.includes('package.json')) await writeFile(join(folder, 'package.json'), '{"type":"commonjs"}\n');
  }
}

async function compile(entry: string, outfile: string, format: 'esm' | 'cjs', shownPath: string): Promise<void> {
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format,
      // Inline, without the sources themselves: the worker maps stack frames back to the .ts lines.
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
    });
  } catch (error) {
    const first = (error as BuildFailure).errors?.[0];
    const where = first?.location ? `${shownPath}:${first.location.line}:${first.location.column}` : shownPath;
    throw new LessError('build_failed', `${where}: ${first?.text ?? (error as Error).message} — fix the TypeScript error and deploy again`);
  }
}
