/**
 * Topics as the server uses them: publishing (SDK and REST), KVS change events, and the
 * queue upkeep a deploy or a delete needs. Owns the store's dispatcher.
 */
import type { Deployment } from '../../deploy/build.js';
import { LessError, nameList, projectNotDeployed } from '../../errors.js';
import type { LiveProject } from '../../server/live-project.js';
import type { LogStore } from '../../storage/logs.js';
import type { KvChangeSink, KvChangeTopic } from '../../storage/sqlite/kv.js';
import type { SubscriberRef, TopicStore } from '../../storage/topics.js';
import { TopicDispatcher, type DispatcherOptions } from './dispatcher.js';
import { subscribersOf } from './subscriptions.js';

export const MAX_MESSAGE_BYTES = 256 * 1024;
const CHANGE_TOPICS: readonly string[] = ['kvs_created', 'kvs_updated', 'kvs_deleted'] satisfies KvChangeTopic[];

export interface LiveProjects {
  get(name: string): LiveProject | undefined;
  deployments(): Iterable<Deployment>;
}

export class TopicService implements KvChangeSink {
  private projects: LiveProjects | undefined;
  private dispatcher: TopicDispatcher | undefined;
  /**
   * Worked out from the live deployments, which change only by a deploy or a delete: kept
   * until then, so a publish (and every KVS write) does not walk every deployment.
   */
  private readonly subscriberCache = new Map<string, SubscriberRef[]>();
  private readonly listeningCache = new Map<string, boolean>();

  constructor(
    readonly store: TopicStore,
    private readonly logs: LogStore,
    private readonly options: DispatcherOptions,
  ) {}

  /** The projects exist after the store (the KVS needs the service first). */
  attach(projects: LiveProjects): void {
    this.projects = projects;
    this.dispatcher = new TopicDispatcher(this.store, projects, this.logs, this.options);
  }

  /** Checks the topic and the message, stores it durably, starts delivery; returns the message id. */
  publish(project: string, topic: unknown, messageJson: string | undefined): number {
    const from = this.deployment(project);
    const name = checkTopic(from, topic);
    const json = checkMessage(name, messageJson);
    return this.publishChecked(from, name, json);
  }

  listens(project: string): boolean {
    let listening = this.listeningCache.get(project);
    if (listening === undefined) {
      const deployment = this.projects?.get(project)?.deployment;
      listening = deployment !== undefined && deployment.project.topics.some((topic) => CHANGE_TOPICS.includes(topic.name));
      this.listeningCache.set(project, listening);
    }
    return listening;
  }

  emit(project: string, topic: KvChangeTopic, payload: { key: string; old_value?: unknown; new_value?: unknown }): void {
    const from = this.projects?.get(project)?.deployment;
    if (!from?.project.topics.some((t) => t.name === topic)) return;
    this.publishChecked(from, topic, JSON.stringify(payload));
  }

  /** A (re)deploy or a restart: the project's retained messages are tried again at once (SPEC 2.4). */
  activated(project: string): void {
    this.deploymentsChanged();
    this.store.retryNow({ project }, Date.now());
    this.dispatcher?.wake();
  }

  /** `topics retry` made deliveries due. */
  wake(): void {
    this.dispatcher?.wake();
  }

  removed(project: string): void {
    this.deploymentsChanged();
    this.store.deleteProject(project);
  }

  stop(): void {
    this.dispatcher?.stop();
  }

  private publishChecked(from: Deployment, topic: string, json: string): number {
    const subscribers = this.subscribers(from.name, topic);
    const id = this.store.publish(from.name, topic, json, subscribers, Date.now());
    this.dispatcher?.add(subscribers);
    this.dispatcher?.wake();
    return id;
  }

  private subscribers(fromProject: string, topic: string): SubscriberRef[] {
    const key = `${fromProject}\0${topic}`;
    let subscribers = this.subscriberCache.get(key);
    if (!subscribers) {
      subscribers = subscribersOf(this.projects?.deployments() ?? [], fromProject, topic);
      this.subscriberCache.set(key, subscribers);
    }
    return subscribers;
  }

  private deploymentsChanged(): void {
    this.subscriberCache.clear();
    this.listeningCache.clear();
  }

  private deployment(project: string): Deployment {
    const live = this.projects?.get(project);
    if (!live) throw projectNotDeployed(project);
    return live.deployment;
  }
}

/** The same wording for the SDK and the REST API. */
export function checkTopic(from: Deployment, topic: unknown): string {
  const known = from.project.topics.map((t) => t.name);
  if (typeof topic === 'string' && known.includes(topic)) return topic;
  throw new LessError(
    'topic_not_found',
    `project "${from.name}" has no topic "${String(topic)}" (topics: ${nameList(known)}); add a subscriber under less/topics/${String(topic)}/<subscriber>/ or fix the name`,
  );
}

export function checkMessage(topic: string, messageJson: string | undefined): string {
  if (messageJson === undefined) {
    throw new LessError(
      'topic_invalid_message',
      `topics.${topic}.publish: the message must be JSON-serialisable (not undefined, a function, a symbol, a BigInt, NaN or a structure with cycles); publish plain JSON data`,
    );
  }
  const bytes = Buffer.byteLength(messageJson, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new LessError(
      'topic_message_too_large',
      `topics.${topic}.publish: the message is ${bytes} bytes as JSON, over the limit of ${MAX_MESSAGE_BYTES} (256 KiB) — store large data in the KVS or files and publish a reference`,
    );
  }
  return messageJson;
}
