// Runs the real `less-cli` as a user would, with its own LESS_HOME and LESS_PORT.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../bin/less-cli.js', import.meta.url));

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with { code, stdout, stderr } once the command exits. */
export function lessCli(args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `less-cli server run` as a child process of the test (so it can be `kill -9`ed); resolves
 * once it listens, with the child and a promise of its exit.
 */
export async function runServerProcess(env) {
  const child = spawn(process.execPath, [cliPath, 'server', 'run'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => /OpenLess server listening on/.test((out += chunk)) && resolve());
    child.once('exit', () => reject(new Error(`server run exited before listening: ${out}`)));
  });
  return { child, exited };
}
