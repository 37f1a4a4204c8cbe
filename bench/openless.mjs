/**
 * The subject: an OpenLess server driven only through the real CLI. `deploy` auto-starts
 * a background server (a separate process, pid in $LESS_HOME/server.json); `stop` runs
 * `less-cli server stop` and, should that fail, kills the recorded pid.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../bin/less-cli.js', import.meta.url));

/** `cli`: another checkout's bin/less-cli.js (bench/compare.mjs); `env`: more variables for it and the server it starts. */
function cli(args, { home, port, cwd, timeoutMs = 60_000, env = {}, cli = CLI }) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, env: { ...process.env, ...env, LESS_HOME: home, LESS_PORT: String(port) }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`less-cli ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** Deploys the project in `cwd` as `name`; returns the resources object of `--json`. */
export async function deploy(name, cwd, { home, port, env, cli: cliPath }) {
  const { stdout } = await cli(['deploy', name, '--json'], { home, port, cwd, env, cli: cliPath });
  return JSON.parse(stdout);
}

/** The pid of the server of this LESS_HOME (from server.json). */
export function serverPid(home) {
  return JSON.parse(readFileSync(`${home}/server.json`, 'utf8')).pid;
}

/** Stops the server of this LESS_HOME; kills `pid` if the CLI could not. */
export async function stop({ home, port, pid, cli: cliPath }) {
  try {
    await cli(['server', 'stop'], { home, port, cwd: process.cwd(), timeoutMs: 20_000, cli: cliPath });
  } catch (error) {
    console.error(String(error.message ?? error));
  }
  if (pid && isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    console.error(`[bench] OpenLess server ${pid} did not stop; killed it`);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last lines of $LESS_HOME/server.log (to explain a failure before LESS_HOME is removed). */
export function serverLogTail(home, lines = 20) {
  const file = `${home}/server.log`;
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
