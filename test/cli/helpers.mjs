// Shared by the CLI tests: run `less-cli` as a user would, in a throw-away LESS_HOME.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'less-cli.js');

export function tempDir(prefix = 'less-cli-') {
  return mkdtemp(join(tmpdir(), prefix));
}

export { freePort } from '../helpers/cli.mjs';

/**
 * Runs the CLI to completion (asynchronously, so a server in this process keeps answering).
 * `home` and `port` become LESS_HOME and LESS_PORT.
 */
export function runCli(args, { home, port, env = {}, cwd = ROOT, bin = BIN } = {}) {
  const childEnv = { ...process.env, LESS_HOME: home, LESS_PORT: String(port), ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Writes `{ 'less/apis/demo/hello/get.js': '...' }` under `root`. */
export async function writeProject(root, files) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

export const HANDLER = 'exports.process = async () => {};\n';

/** The guide's shape: one API route and one socket. */
export function demoProject(root, extra = {}) {
  return writeProject(root, {
    'less/apis/demo/hello/get.js': HANDLER,
    'less/sockets/demo/connect/index.js': HANDLER,
    ...extra,
  });
}

/**
 * A copy of the built CLI whose `dist/server/server.js` is the fake admin server, so
 * process management (background start, stop, run) is tested independently of the runtime.
 */
export async function sandboxBin() {
  const dir = await tempDir('less-cli-sandbox-');
  await cp(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const fake = pathToFileURL(join(ROOT, 'test', 'cli', 'fake-server.mjs')).href;
  await mkdir(join(dir, 'dist', 'server'), { recursive: true });
  await writeFile(join(dir, 'dist', 'server', 'server.js'), `export { startServer } from '${fake}';\n`);
  return join(dir, 'bin', 'less-cli.js');
}

/** True while a process with this pid exists. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** One `[less-cli] Error: ...` line, no stack: the shape of every user mistake. */
export function assertUserError(assert, result, pattern) {
  assert.equal(result.code, 1, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${result.stderr}`);
  assert.match(lines[0], /^\[less-cli\] Error: .+ — .+/);
  assert.match(lines[0], pattern);
}
