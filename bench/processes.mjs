/**
 * Child processes of the bench: baselines started with an IPC channel (they report their
 * port once listening), a free-port finder, RSS of a process tree, and a registry that
 * kills whatever is still alive when the bench ends — normally or not.
 */
import { execFileSync, fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

const alive = new Set();

/** A port nobody listens on right now (bound, read, released). */
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

/** Forks `file`, resolves `{ pid, port, stop }` once it reports `{ port }`. */
export function startBaseline(file, { timeoutMs = 15_000 } = {}) {
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${file} did not report a port within ${timeoutMs} ms`)), timeoutMs);
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`${file} exited before listening (${signal ?? code})`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      child.removeAllListeners('error');
      child.removeAllListeners('exit');
      child.once('exit', () => alive.delete(child));
      resolve({ pid: child.pid, port: message.port, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Kills every baseline still alive (used on exit / error paths). */
export async function stopAllChildren() {
  await Promise.all([...alive].map((child) => stopChild(child)));
}

/** Last resort on process exit: synchronous SIGKILL of anything left. */
export function killAllChildrenSync() {
  for (const child of alive) child.kill('SIGKILL');
}

/**
 * Restricts every thread of each of `pids` to the CPUs `cpuList` names (taskset's syntax:
 * "0", "0-1"). Returns false at the first pid `taskset` (util-linux) refuses, or where it is
 * missing; the bench then leaves out the figures that need it.
 */
export function setCpuAffinity(pids, cpuList) {
  try {
    for (const pid of pids) execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The CPUs the main thread of `pid` may run on, in taskset's list syntax ("0,1", "0-3"), to
 * give back to setCpuAffinity afterwards; undefined where `taskset` is missing or refuses.
 */
export function cpuAffinity(pid) {
  try {
    const printed = execFileSync('taskset', ['--pid', '--cpu-list', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // "pid 123's current affinity list: 0,1"
    return printed.slice(printed.lastIndexOf(':') + 1).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** VmRSS in KiB of `pid` plus all its descendants (worker threads are inside the pid). */
export function rssKiB(pid) {
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop();
    try {
      const status = readFileSync(`/proc/${current}/status`, 'utf8');
      total += Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process (or a thread) went away while reading: count what was there
    }
  }
  return total;
}

let clockTicks;
/** Clock ticks per second of the times in /proc. */
const ticksPerSecond = () => (clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

/** user + system ticks of a /proc `stat` file (a process's or one thread's). */
function threadOrProcessTicks(statFile) {
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU time (user + system, all threads) in ms of `pid` plus its descendants, from /proc. */
export function cpuMs(pid) {
  let ticks = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop();
    try {
      ticks += threadOrProcessTicks(`/proc/${current}/stat`);
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // gone while reading
    }
  }
  return (ticks * 1000) / ticksPerSecond();
}

/** CPU time in ms of `pid`'s main thread (OpenLess: the gateway; a baseline echo: all of its work). */
function mainThreadCpuMs(pid) {
  try {
    return (threadOrProcessTicks(`/proc/${pid}/task/${pid}/stat`) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/** Time all CPUs spent idle (or waiting on I/O) so far, in ms. */
function idleMs() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return ((fields[3] + fields[4]) * 1000) / ticksPerSecond();
}

/**
 * Waits out the warm-up, then measures for `durationMs`: `setMeasuring` brackets the window,
 * `counted()` is read at its end. Returns the window's length and, per event, in µs: the
 * server's CPU (`cpuUs`), its main thread's share (`mainThreadUs`), the CPU of this process —
 * the load generator, which shares the machine — (`loadGeneratorUs`), and the CPU time no
 * thread used (`idleUs`, all CPUs together). Where the time goes decides throughput as much as
 * what the server spends: see docs/performance.md.
 */
export async function measureWindow({ warmupMs, durationMs, pid, setMeasuring, counted }) {
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  setMeasuring(true);
  const cpuBefore = pid ? cpuMs(pid) : NaN;
  const mainBefore = pid ? mainThreadCpuMs(pid) : NaN;
  const idleBefore = idleMs();
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  setMeasuring(false);
  const own = process.cpuUsage(ownBefore);
  const events = counted();
  const perEvent = (ms) => (ms * 1000) / events;
  return {
    elapsedS: Number(process.hrtime.bigint() - started) / 1e9,
    cpuUs: pid ? perEvent(cpuMs(pid) - cpuBefore) : NaN,
    mainThreadUs: pid ? perEvent(mainThreadCpuMs(pid) - mainBefore) : NaN,
    loadGeneratorUs: (own.user + own.system) / events,
    idleUs: perEvent(idleMs() - idleBefore),
  };
}
