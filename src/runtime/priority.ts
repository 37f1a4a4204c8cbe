/**
 * How handler executors are scheduled next to the gateway thread, which holds every connection.
 *
 * Why: an executor sleeps between batches, and the scheduler favours a thread that wakes
 * from sleep. When the gateway posted a batch, the worker it woke took the gateway's CPU on
 * the spot; the gateway, with every other connection's frames still to read and write,
 * waited out the whole batch (its postMessage took 70–90 µs of wall time instead of
 * about 8). Two settings keep that from happening (docs/architecture.md, "Scheduling"):
 *
 * - the batch policy (Linux `SCHED_BATCH`): a woken executor never preempts the thread
 *   running on its CPU, yet gets the same share of the CPU as any thread of its priority;
 * - a lower priority (a higher nice value): the executor also gets a smaller share.
 *
 * Best effort: where the system refuses (or cannot set a thread's policy or priority apart
 * from its process's), the executor runs as the server does.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { getPriority, setPriority } from 'node:os';

/** The highest nice value: the lowest priority. */
const LOWEST = 19;

/**
 * Lowers the priority of the calling thread by `increment` nice steps. Only on Linux, where
 * each thread has its own nice value; elsewhere the call would lower the whole server.
 */
export function lowerThreadPriority(increment: number): void {
  if (process.platform !== 'linux') return;
  lower(0, increment);
}

/** Lowers the priority of a child process (and the threads it starts later) by `increment` nice steps. */
export function lowerProcessPriority(pid: number | undefined, increment: number): void {
  if (pid !== undefined) lower(pid, increment);
}

function lower(pid: number, increment: number): void {
  if (increment <= 0) return;
  try {
    setPriority(pid, Math.min(LOWEST, getPriority(pid) + increment));
  } catch {
    // Refused (or the process has already exited): it keeps the server's priority.
  }
}

/**
 * Puts the calling thread under the batch policy. Linux only; there the thread's own id is
 * `/proc/thread-self`'s target, and util-linux's `chrt` sets the policy (Node has no call for
 * it). Synchronous, so the first invocation already runs under it; it costs a worker's start
 * a few milliseconds. Without `chrt`, or where it is refused, the thread keeps its policy.
 */
export function scheduleThreadAsBatch(): void {
  if (process.platform !== 'linux') return;
  try {
    const threadId = basename(readlinkSync('/proc/thread-self'));
    execFileSync('chrt', ['--batch', '--pid', '0', threadId], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // No chrt (or no /proc): the thread keeps the normal policy.
  }
}
