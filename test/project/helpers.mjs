import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { loadProject } from '../../dist/project/load.js';

const roots = [];
after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

export const JS = 'exports.process = async () => {};\n';
export const PY = 'def process(*args):\n    pass\n';

/**
 * Writes a project into a fresh temp dir. Keys are root-relative paths; a key ending in `/`
 * is an empty folder, any other key a file with that content.
 */
export async function makeTree(files) {
  const root = await mkdtemp(join(tmpdir(), 'openless-loader-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    if (path.endsWith('/')) await mkdir(abs, { recursive: true });
    else {
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
  return root;
}

/** The problems loadProject reports for a tree; fails the test if it loads. */
export async function problemsOf(files) {
  const root = typeof files === 'string' ? files : await makeTree(files);
  try {
    await loadProject(root);
  } catch (error) {
    if (error?.code !== 'validation_failed') throw error;
    return error.problems;
  }
  throw new Error('expected validation to fail');
}

/** Problem paths only, in reported order. */
export async function problemPaths(files) {
  return (await problemsOf(files)).map((p) => p.path);
}
