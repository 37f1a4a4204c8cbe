/**
 * Who receives a message published to `<project>/<topic>`: the project's own subscribers
 * (`topics/<topic>/<subscriber>`) and every deployed project's external subscribers
 * (`external_topics/<app>/<topic>/<subscriber>`) whose `<app>` resolves to that project.
 * Worked out at publish time from the live deployments, so deploy order never matters.
 */
import type { Deployment } from '../../deploy/build.js';
import type { SubscriberRef } from '../../storage/topics.js';

/** `<app>` through the env var named after it (upper-cased, `-` → `_`), else the folder name (SPEC 2.4). */
export function resolveApp(app: string, env: Readonly<Record<string, string>>): string {
  return env[app.toUpperCase().replace(/-/g, '_')] || app;
}

export function subscribersOf(deployments: Iterable<Deployment>, fromProject: string, topic: string): SubscriberRef[] {
  const subscribers: SubscriberRef[] = [];
  for (const deployment of deployments) {
    const { project } = deployment;
    if (deployment.name === fromProject) {
      for (const subscriber of project.topics.find((t) => t.name === topic)?.subscribers ?? []) {
        subscribers.push({ project: deployment.name, functionPath: subscriber.handler.functionPath });
      }
    }
    for (const external of project.externalTopics) {
      if (external.topic !== topic || resolveApp(external.app, deployment.env) !== fromProject) continue;
      for (const subscriber of external.subscribers) subscribers.push({ project: deployment.name, functionPath: subscriber.handler.functionPath });
    }
  }
  return subscribers;
}
