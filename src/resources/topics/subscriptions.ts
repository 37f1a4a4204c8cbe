/**
 * Who receives a message published to `<project>/<topic>`: the project's own subscribers
 * (`topics/<topic>/<subscriber>`) and every deployed project's external subscribers
 * (`external_topics/<app>/<topic>/<subscriber>`) whose `<app>` resolves to that project.
 * Worked out at publish time from the live deployments, so deploy order never matters.
 */
import type { Deployment } from '../../deploy/build.js';
import type { Project } from '../../project/types.js';
import type { SubscriberRef } from '../../storage/topics.js';

/** The variable that names an external topic's app: the folder name upper-cased, `-` → `_` (SPEC 2.4). */
export function appVariable(app: string): string {
  return app.toUpperCase().replace(/-/g, '_');
}

/** `<app>` through its variable as the deploying shell set it, else the folder name. */
export function resolveApp(app: string, deployment: Pick<Deployment, 'apps' | 'env'>): string {
  return deployment.apps?.[app] || deployment.env[appVariable(app)] || app;
}

/** What each external topic's app resolves to, from the deploying shell's variables. */
export function appsOf(project: Project, shell: Readonly<Record<string, string>>): Record<string, string> {
  const apps: Record<string, string> = {};
  for (const { app } of project.externalTopics) {
    const value = shell[appVariable(app)];
    if (value) apps[app] = value;
  }
  return apps;
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
      if (external.topic !== topic || resolveApp(external.app, deployment) !== fromProject) continue;
      for (const subscriber of external.subscribers) subscribers.push({ project: deployment.name, functionPath: subscriber.handler.functionPath });
    }
  }
  return subscribers;
}
