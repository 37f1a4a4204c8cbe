/**
 * The deployed projects of this server: deploy (validate → build → swap), delete,
 * and restore after a restart. A deploy swaps the live project in one step, so a frame
 * or request is served wholly by the old code or wholly by the new; open connections
 * stay open unless their socket is gone (closed with 1001, disconnect on the old code).
 */
import { rm } from 'node:fs/promises';
import { LessError, projectNotDeployed } from '../errors.js';
import { buildDeployment, projectHome, type Deployment } from '../deploy/build.js';
import type { SocketGateway } from '../gateway/socket-gateway.js';
import { loadProject } from '../project/load.js';
import { allHandlers } from '../project/types.js';
import type { Executor, ExecutorOptions, HostServices } from '../runtime/executor.js';
import { JsWorkerPool } from '../runtime/js/worker-pool.js';
import { executorFor } from '../runtime/language-router.js';
import { PythonPool } from '../runtime/python/python-pool.js';
import type { DeploymentRecord, DeploymentStore } from '../storage/deployments.js';
import type { KeyValueStore } from '../storage/kv.js';
import { chunkOf, type LogStore } from '../storage/logs.js';
import type { FileService } from '../resources/files/file-service.js';
import type { TopicService } from '../resources/topics/topic-service.js';
import { appsOf } from '../resources/topics/subscriptions.js';
import { cronSchedules } from '../resources/crons/deploy-check.js';
import { parseSchedule, ScheduleError } from '../resources/crons/schedule.js';
import { CronScheduler, type ScheduledCron } from '../resources/crons/scheduler.js';
import { answerHostCall } from './host-calls.js';
import { LiveProject, type ProjectLookup } from './live-project.js';

export interface ProjectManagerOptions {
  home: string;
  kv: KeyValueStore;
  logs: LogStore;
  deployments: DeploymentStore;
  executor: ExecutorOptions;
  /**
   * The largest message a handler may publish (UTF-8 bytes of its JSON): the unsent data a
   * client may have before it is closed as too slow, which a larger message exceeds on its own.
   */
  maxPublishBytes: number;
  /** File storage (docs/files.md): signed URLs for the SDK; a deleted project's files go too. */
  files?: FileService;
  /** Topic queues (docs/topics.md): publishing, and a project's queues follow its deploys and delete. */
  topics?: TopicService;
}

export class ProjectManager implements ProjectLookup {
  private readonly live = new Map<string, LiveProject>();
  private readonly records = new Map<string, DeploymentRecord>();
  /** Deploys and deletes of one project run one after the other. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private sockets: SocketGateway | undefined;
  /** Cron ticks run the current deployment's handler; each run logs under `crons/<name>` (docs/crons.md). */
  private readonly crons = new CronScheduler({
    run: async (project, cron) => {
      await this.live.get(project)?.invoker.invoke(`crons/${cron}`, { kind: 'cron' });
    },
    log: (project, cron, level, message) =>
      this.options.logs.append(chunkOf(project, `crons/${cron}`, '-', [{ ts: Date.now(), level, requestId: '-', message }], true)),
  });

  constructor(private readonly options: ProjectManagerOptions) {}

  attach(sockets: SocketGateway): void {
    this.sockets = sockets;
  }

  get(name: string): LiveProject | undefined {
    return this.live.get(name);
  }

  /** The live deployments (topic subscriptions are worked out from them). */
  deployments(): Deployment[] {
    return [...this.live.values()].map((live) => live.deployment);
  }

  list(): DeploymentRecord[] {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async restore(): Promise<void> {
    for (const record of await this.options.deployments.list()) {
      this.records.set(record.name, record);
      this.activate(record.deployment);
      this.schedule(record.deployment, record.updatedAt);
    }
  }

  deploy(name: string, root: string, env: Record<string, string>): Promise<DeploymentRecord> {
    return this.serially(name, async () => {
      const source = await loadProject(root);
      const schedules = cronSchedules(source, env);
      const missing = source.envVars.filter((variable) => env[variable] === undefined);
      if (missing.length > 0) {
        throw new LessError('missing_env_var', `less.config lists ${missing.join(', ')} but the deploy did not provide ${missing.length > 1 ? 'them' : 'it'} — export ${missing[0]}=… in the deploying shell and deploy again`);
      }
      const values = Object.fromEntries(source.envVars.map((variable) => [variable, env[variable]!]));
      const deployment = await buildDeployment({ home: this.options.home, name, source, env: values, schedules, apps: appsOf(source, env) });
      const record = await this.options.deployments.save(deployment, Date.now());
      this.records.set(name, record);
      this.activate(deployment);
      this.schedule(deployment, record.updatedAt);
      return record;
    });
  }

  remove(name: string): Promise<void> {
    return this.serially(name, async () => {
      const live = this.live.get(name);
      if (!live) throw projectNotDeployed(name);
      this.live.delete(name);
      this.records.delete(name);
      this.crons.remove(name);
      await this.sockets?.close(name, undefined, live, 1001, 'project deleted');
      await live.executor.retire();
      await this.options.kv.deleteProject(name);
      this.options.topics?.removed(name);
      await this.options.logs.deleteProject(name);
      await this.options.deployments.delete(name);
      await this.options.files?.deleteProject(name);
      await rm(projectHome(this.options.home, name), { recursive: true, force: true });
    });
  }

  /** Stops every executor (server shutdown, after the sockets have closed). */
  async retireAll(): Promise<void> {
    this.crons.stopAll();
    await Promise.all([...this.live.values()].map((live) => live.executor.retire()));
  }

  private activate(deployment: Deployment): void {
    const previous = this.live.get(deployment.name);
    // Function calls from this deployment's handlers run on this deployment (old code calls old code during a swap).
    let created: LiveProject | undefined;
    const executor = this.executorFor(deployment, () => created);
    created = new LiveProject(deployment, executor, this.options.logs);
    this.live.set(deployment.name, created);
    this.options.topics?.activated(deployment.name);
    if (previous) void this.retire(previous);
  }

  /** One executor per language the deployment's handlers use (src/runtime/language-router.ts). */
  private executorFor(deployment: Deployment, live: () => LiveProject | undefined): Executor {
    const host = this.hostServices(deployment.name, live);
    const handlers = { project: deployment.name, dir: deployment.dir, files: deployment.files, sockets: deployment.project.sockets.map((s) => s.name), maxPublishBytes: this.options.maxPublishBytes, env: deployment.env };
    return executorFor(allHandlers(deployment.project), {
      javascript: () => new JsWorkerPool(handlers, host, this.options.executor),
      python: () => new PythonPool(handlers, host, this.options.executor),
    });
  }

  /** Each cron's schedule and next run (ISO time, null when it never fires again), for `list resources`. */
  cronRuns(name: string): Record<string, { schedule: string; next_run: string | null }> {
    return Object.fromEntries(
      this.crons.upcoming(name).map((cron) => [cron.name, { schedule: cron.schedule, next_run: cron.next === null ? null : new Date(cron.next).toISOString() }]),
    );
  }

  /**
   * Replaces the project's cron timers, right after `activate` swapped the live project.
   * `anchor` (the deploy time) is where rate schedules count from, also after a restart.
   */
  private schedule(deployment: Deployment, anchor: number): void {
    const crons: ScheduledCron[] = [];
    for (const cron of deployment.project.crons) {
      try {
        crons.push({ name: cron.name, schedule: parseSchedule(deployment.schedules?.[cron.name] ?? '') });
      } catch (error) {
        // Checked at deploy; only a record from another version could get here.
        if (!(error instanceof ScheduleError)) throw error;
        this.options.logs.append(chunkOf(deployment.name, `crons/${cron.name}`, '-', [{ ts: Date.now(), level: 'error', requestId: '-', message: `not scheduled: ${error.message} — deploy again` }], true));
      }
    }
    this.crons.set(deployment.name, crons, anchor);
  }

  private async retire(previous: LiveProject): Promise<void> {
    const current = this.live.get(previous.name);
    for (const socket of previous.sockets.keys()) {
      if (!current?.sockets.has(socket)) await this.sockets?.close(previous.name, socket, previous, 1001, 'socket removed');
    }
    await previous.executor.retire();
    await rm(previous.deployment.dir, { recursive: true, force: true });
  }

  private hostServices(project: string, live: () => LiveProject | undefined): HostServices {
    const { logs } = this.options;
    return {
      call: (call) => answerHostCall(call, { project, kv: this.options.kv, topics: this.options.topics, files: this.options.files, functions: live()?.functions }),
      publish: (socket, messageJson, ids) => this.sockets?.publish(project, socket, messageJson, ids),
      log: ({ level, message }) =>
        logs.append(chunkOf(project, '-', '-', [{ ts: Date.now(), level, requestId: '-', message }], true)),
      openLogChannel: () => logs.openChannel(),
    };
  }

  private serially<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queues.set(name, next);
    void next.finally(() => {
      if (this.queues.get(name) === next) this.queues.delete(name);
    }).catch(() => undefined);
    return next;
  }
}
