import type { Project, StorageEngine } from '../storage/engine.js';
import { hashSecret } from './keys.js';

/**
 * Key → project lookups for every request, held in memory. Secrets are compared by their
 * sha256, which is all the database keeps.
 */
export class ProjectDirectory {
  private byPublic = new Map<string, Project>();
  private bySecretHash = new Map<string, Project>();
  private byProjectId = new Map<string, Project>();

  constructor(private readonly engine: StorageEngine) {}

  async reload(): Promise<void> {
    const projects = await this.engine.listProjects();
    this.byPublic = new Map(projects.map((p) => [p.public_key, p]));
    this.bySecretHash = new Map(projects.map((p) => [p.secret_key_hash, p]));
    this.byProjectId = new Map(projects.map((p) => [p.id, p]));
  }

  byPublicKey(key: string): Project | undefined {
    return this.byPublic.get(key);
  }

  byId(id: string): Project | undefined {
    return this.byProjectId.get(id);
  }

  bySecretKey(key: string): Project | undefined {
    return this.bySecretHash.get(hashSecret(key));
  }
}
