import type { Deployment } from '../../deploy/build.js';
import type { Database } from '../database.js';
import type { DeploymentRecord, DeploymentStore } from '../deployments.js';

interface Row {
  name: string;
  created_at: number;
  updated_at: number;
  deployment: string;
}

export class SqliteDeploymentStore implements DeploymentStore {
  private readonly statements;

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS deployments (
      name TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      deployment TEXT NOT NULL
    )`);
    this.statements = {
      list: db.prepare<[], Row>('SELECT name, created_at, updated_at, deployment FROM deployments ORDER BY name'),
      upsert: db.prepare<[string, number, number, string], Row>(
        `INSERT INTO deployments (name, created_at, updated_at, deployment) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, deployment = excluded.deployment
         RETURNING name, created_at, updated_at, deployment`,
      ),
      delete: db.prepare<[string]>('DELETE FROM deployments WHERE name = ?'),
    };
  }

  async list(): Promise<DeploymentRecord[]> {
    return this.statements.list.all().map(toRecord);
  }

  async save(deployment: Deployment, now: number): Promise<DeploymentRecord> {
    return toRecord(this.statements.upsert.get(deployment.name, now, now, JSON.stringify(deployment))!);
  }

  async delete(name: string): Promise<void> {
    this.statements.delete.run(name);
  }
}

function toRecord(row: Row): DeploymentRecord {
  return { name: row.name, createdAt: row.created_at, updatedAt: row.updated_at, deployment: JSON.parse(row.deployment) as Deployment };
}
