/**
 * Where the server remembers what is deployed, so a restart (or a crash) brings every
 * project back as it was. The Redis engine of the cluster issue implements the same interface.
 */
import type { Deployment } from '../deploy/build.js';

export interface DeploymentRecord {
  name: string;
  createdAt: number;
  updatedAt: number;
  deployment: Deployment;
}

export interface DeploymentStore {
  list(): Promise<DeploymentRecord[]>;
  /** Creates or replaces the record of `deployment.name`; keeps the first `createdAt`. */
  save(deployment: Deployment, now: number): Promise<DeploymentRecord>;
  delete(name: string): Promise<void>;
}
