/**
 * Handler executors run at a lower scheduling priority (a higher nice value) than the
 * gateway thread, which holds every connection.
 *
 * Why: an executor sleeps between batches, and the scheduler favours a thread that wakes
 * from sleep. When the gateway posted a batch, the worker it woke took the gateway's CPU on
 * the spot; the gateway, with every other connection's frames still to read and write,
 * waited out the whole batch (its postMessage took 70–90 µs of wall time instead of
 * about 8). At a lower priority the woken executor waits for a free CPU instead.
 * docs/architecture.md ("Scheduling priority") has the measurements.
 *
 * Best effort: where the system refuses (or cannot set a thread's priority apart from its
 * process's), the executor runs at the server's priority, as before.
 */
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
