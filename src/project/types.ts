/**
 * A Less project as plain, immutable data. The loader (load.ts) is the only code
 * that walks the `less/` folder; everything downstream works from this value.
 */

export type Language = 'javascript' | 'typescript' | 'python';

export const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpVerb = (typeof HTTP_VERBS)[number];

/** One executable handler file. */
export interface Handler {
  /**
   * The function path users name in `less-cli log --path`, e.g. `apis/demo/hello/post`,
   * `sockets/demo/connect`, `topics/user_created/send_welcome_email`.
   */
  functionPath: string;
  /** File path relative to the project root, with `/` separators: `less/apis/demo/hello/post.js`. */
  file: string;
  language: Language;
}

export interface Route {
  /** Segments below the API folder; a parameter segment is `{name}`. */
  segments: string[];
  /** `/hello`, `/items/{id}`; `/` for the API root. */
  pattern: string;
  verbs: Partial<Record<HttpVerb, Handler>>;
}

export interface Api {
  name: string;
  routes: Route[];
}

export interface Socket {
  name: string;
  connect?: Handler;
  disconnect?: Handler;
  channels: Record<string, Handler>;
}

export interface Subscriber {
  name: string;
  handler: Handler;
}

export interface Topic {
  name: string;
  subscribers: Subscriber[];
}

export interface ExternalTopic {
  /** Folder name of the app; resolved through env var (upper-cased, `-` → `_`) at deploy. */
  app: string;
  topic: string;
  subscribers: Subscriber[];
}

export interface Cron {
  name: string;
  handler: Handler;
}

export interface CloudFunction {
  name: string;
  handler: Handler;
}

export interface SharedModule {
  name: string;
  /** Folder or file relative to the project root, e.g. `less/shared/models`. */
  path: string;
}

export interface StaticSite {
  name: string;
  /** Folder relative to the project root: `less/statics/<site>`. */
  path: string;
}

export interface Project {
  /** Absolute path of the folder that holds `less/`. */
  root: string;
  apis: Api[];
  sockets: Socket[];
  topics: Topic[];
  externalTopics: ExternalTopic[];
  crons: Cron[];
  functions: CloudFunction[];
  shared: SharedModule[];
  statics: StaticSite[];
  /** `env_vars` of `less.config` (names only), `[]` without a config. */
  envVars: string[];
  /** True when the project has a package.json listing dependencies. */
  hasDependencies: boolean;
}

/** Every handler in a project, in a stable order. */
export function allHandlers(project: Project): Handler[] {
  const handlers: Handler[] = [];
  for (const api of project.apis) {
    for (const route of api.routes) handlers.push(...Object.values(route.verbs));
  }
  for (const socket of project.sockets) {
    if (socket.connect) handlers.push(socket.connect);
    if (socket.disconnect) handlers.push(socket.disconnect);
    handlers.push(...Object.values(socket.channels));
  }
  for (const topic of project.topics) handlers.push(...topic.subscribers.map((s) => s.handler));
  for (const topic of project.externalTopics) handlers.push(...topic.subscribers.map((s) => s.handler));
  handlers.push(...project.crons.map((c) => c.handler), ...project.functions.map((f) => f.handler));
  return handlers;
}
