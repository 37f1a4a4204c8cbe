/**
 * `npm install` for projects that list dependencies but have no node_modules yet, so
 * `less-cli deploy` stays the whole set-up. npm's output goes to stderr: progress stays
 * visible while stdout carries only what the CLI promises (e.g. one JSON object).
 */
import { spawn } from 'node:child_process';
import { LessError } from '../errors.js';
import { messages } from './messages.js';

export function npmInstall(root: string): Promise<void> {
  process.stderr.write(messages.installing(root) + '\n');
  // npm is a .cmd script on Windows, which only a shell can start.
  const windows = process.platform === 'win32';
  const child = spawn(windows ? 'npm.cmd' : 'npm', ['install'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
    shell: windows,
  });
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new LessError('dependency_install_failed', messages.npmMissing(root, error.message))));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new LessError('dependency_install_failed', messages.npmFailed(root, signal ?? `exit code ${code}`)));
    });
  });
}
