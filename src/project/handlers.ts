import { expectFolder, handlerFileFix, listDir, loadHandlerFolder, validName, type Entry, type Walk } from './folders.js';
import type { CloudFunction, Cron, ExternalTopic, Handler, Socket, Subscriber, Topic } from './types.js';

/** `less/sockets/<socket>/{connect,disconnect,<channel>}/<handler>`. */
export async function loadSockets(w: Walk, entries: Entry[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (const entry of entries) {
    if (!expectFolder(w, entry, 'socket')) continue;
    validName(w, entry, 'socket');
    const socket: Socket = { name: entry.name, channels: {} };
    // A socket without any handler folder is valid: clients can connect and be published to.
    for (const child of (await listDir(w, entry.rel)) ?? []) {
      if (child.kind === 'file') {
        w.problems.add(child.rel, 'is a file directly in a socket folder', `move it into ${entry.rel}/connect, ${entry.rel}/disconnect or a channel folder such as ${entry.rel}/my_channel; shared code goes in less/shared/<module>`);
        continue;
      }
      const handler = await loadHandlerFolder(w, child.rel, `sockets/${entry.name}/${child.name}`);
      if (child.name === 'connect') socket.connect = handler;
      else if (child.name === 'disconnect') socket.disconnect = handler;
      else {
        validName(w, child, 'channel');
        if (handler) socket.channels[child.name] = handler;
      }
    }
    if (!socket.connect) delete socket.connect;
    if (!socket.disconnect) delete socket.disconnect;
    sockets.push(socket);
  }
  return sockets;
}

/** `less/topics/<topic>/<subscriber>/<handler>`. */
export async function loadTopics(w: Walk, entries: Entry[]): Promise<Topic[]> {
  const topics: Topic[] = [];
  for (const entry of entries) {
    if (!expectFolder(w, entry, 'topic')) continue;
    validName(w, entry, 'topic');
    topics.push({ name: entry.name, subscribers: await loadSubscribers(w, entry, `topics/${entry.name}`) });
  }
  return topics;
}

/** `less/external_topics/<app>/<topic>/<subscriber>/<handler>`. */
export async function loadExternalTopics(w: Walk, entries: Entry[]): Promise<ExternalTopic[]> {
  const topics: ExternalTopic[] = [];
  for (const app of entries) {
    if (!expectFolder(w, app, 'external app')) continue;
    validName(w, app, 'external app', 'site');
    for (const topic of (await listDir(w, app.rel)) ?? []) {
      if (!expectFolder(w, topic, 'external topic')) continue;
      validName(w, topic, 'topic');
      const subscribers = await loadSubscribers(w, topic, `external_topics/${app.name}/${topic.name}`);
      topics.push({ app: app.name, topic: topic.name, subscribers });
    }
  }
  return topics;
}

/**
 * A topic's subscriber folders. A topic without subscribers is kept: it can still be
 * published to (e.g. `kvs_created` declared ahead of its subscribers).
 */
async function loadSubscribers(w: Walk, topic: Entry, functionPrefix: string): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (const child of (await listDir(w, topic.rel)) ?? []) {
    if (!expectFolder(w, child, 'subscriber', handlerFileFix(child))) continue;
    validName(w, child, 'subscriber');
    const handler = await loadHandlerFolder(w, child.rel, `${functionPrefix}/${child.name}`);
    if (handler) subscribers.push({ name: child.name, handler });
  }
  return subscribers;
}

/** `less/crons/<cron>/<handler>`. */
export function loadCrons(w: Walk, entries: Entry[]): Promise<Cron[]> {
  return loadSingles(w, entries, 'cron', 'crons');
}

/** `less/functions/<function>/<handler>`. */
export function loadFunctions(w: Walk, entries: Entry[]): Promise<CloudFunction[]> {
  return loadSingles(w, entries, 'function', 'functions');
}

async function loadSingles(w: Walk, entries: Entry[], kind: string, folder: string): Promise<{ name: string; handler: Handler }[]> {
  const loaded: { name: string; handler: Handler }[] = [];
  for (const entry of entries) {
    if (!expectFolder(w, entry, kind, handlerFileFix(entry))) continue;
    validName(w, entry, kind);
    const handler = await loadHandlerFolder(w, entry.rel, `${folder}/${entry.name}`);
    if (handler) loaded.push({ name: entry.name, handler });
  }
  return loaded;
}
