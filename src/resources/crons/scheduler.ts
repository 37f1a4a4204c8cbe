/**
 * Fires the deployed cron jobs of every project on this server (docs/crons.md).
 *
 * One timer per cron, armed for its next fire time. When it fires:
 *   not running ──tick──► running ──handler settled──► not running
 *   running     ──tick──► a log line says the run was skipped (never two runs at once)
 * and the timer is armed again from the later of "now" and the tick, so a stalled event
 * loop or a suspended laptop fires once on waking, not once per missed tick.
 *
 * `set` replaces a project's schedules in one synchronous step (a redeploy); the running
 * flags are kept per project and cron name, so a run of the previous deployment still
 * going also holds back the new deployment's tick. Time comes from an injected Clock so
 * tests advance it instead of sleeping.
 */
import { nextFire, type Schedule } from './schedule.js';

export interface Clock {
  now(): number;
  /** Calls `fire` after about `ms`; returns a cancel function. Must not keep the process alive. */
  setTimer(fire: () => void, ms: number): () => void;
}

/** Node's setTimeout holds at most 2^31-1 ms (~24.8 days); longer waits are re-armed on wake. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fire, ms) {
    const timer = setTimeout(fire, Math.min(Math.max(ms, 0), MAX_DELAY_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface ScheduledCron {
  name: string;
  schedule: Schedule;
}

export interface CronHooks {
  /** Runs the cron's handler once; resolves when the run has ended (whatever its outcome). */
  run(project: string, cron: string): Promise<void>;
  /** A line for the cron's own log (`crons/<name>`), e.g. a skipped tick. */
  log(project: string, cron: string, level: 'warn' | 'error', message: string): void;
}

interface Armed {
  cron: ScheduledCron;
  anchor: number;
  /** The fire time the timer waits for; null when the schedule never fires again. */
  due: number | null;
  cancel: () => void;
}

export class CronScheduler {
  private readonly projects = new Map<string, Map<string, Armed>>();
  /** `<project>/<cron>` of every run in progress. */
  private readonly running = new Set<string>();

  constructor(
    private readonly hooks: CronHooks,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Replaces every schedule of `project`; `anchor` is when it was deployed (rate schedules count from it). */
  set(project: string, crons: ScheduledCron[], anchor: number): void {
    this.remove(project);
    if (crons.length === 0) return;
    const armed = new Map<string, Armed>();
    this.projects.set(project, armed);
    const now = this.clock.now();
    for (const cron of crons) {
      const entry: Armed = { cron, anchor, due: null, cancel: () => undefined };
      armed.set(cron.name, entry);
      this.arm(project, entry, nextFire(cron.schedule, now, anchor));
    }
  }

  /** Stops the project's timers (delete, or a redeploy without crons). Runs in progress finish. */
  remove(project: string): void {
    const armed = this.projects.get(project);
    if (!armed) return;
    this.projects.delete(project);
    for (const entry of armed.values()) entry.cancel();
  }

  /** Server shutdown. */
  stopAll(): void {
    for (const project of [...this.projects.keys()]) this.remove(project);
  }

  /** Each cron of the project with its schedule and next fire time (null: never again). */
  upcoming(project: string): Array<{ name: string; schedule: string; next: number | null }> {
    return [...(this.projects.get(project)?.values() ?? [])].map((entry) => ({ name: entry.cron.name, schedule: entry.cron.schedule.text, next: entry.due }));
  }

  private arm(project: string, entry: Armed, due: number | null): void {
    entry.due = due;
    if (due === null) return;
    entry.cancel = this.clock.setTimer(() => this.fire(project, entry), due - this.clock.now());
  }

  private fire(project: string, entry: Armed): void {
    if (this.projects.get(project)?.get(entry.cron.name) !== entry || entry.due === null) return;
    const now = this.clock.now();
    // Early (a wait longer than one timer can hold): wait for the rest.
    if (now < entry.due) return this.arm(project, entry, entry.due);
    const { name } = entry.cron;
    const key = `${project}/${name}`;
    if (this.running.has(key)) {
      this.hooks.log(project, name, 'warn', `skipped the run due at ${new Date(entry.due).toISOString()}: the previous run is still going`);
    } else {
      this.running.add(key);
      void this.hooks
        .run(project, name)
        .catch((error: unknown) => this.hooks.log(project, name, 'error', `the run could not start: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.running.delete(key));
    }
    this.arm(project, entry, nextFire(entry.cron.schedule, Math.max(now, entry.due), entry.anchor));
  }
}
