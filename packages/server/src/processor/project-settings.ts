import type { StorageEngine } from '../storage/engine.js';
import type { InterventionRule } from '../storage/processor-records.js';
import { DEFAULT_RULES } from './intervention-rules.js';

/** Per-project intervention rules and webhook URLs, held in memory, written through to the engine. */
export class ProjectSettings {
  private readonly rules = new Map<string, InterventionRule[]>();
  private readonly webhooks = new Map<string, string>();

  private constructor(private readonly engine: StorageEngine) {}

  static async load(engine: StorageEngine): Promise<ProjectSettings> {
    const settings = new ProjectSettings(engine);
    for (const r of await engine.listInterventionRules()) settings.rules.set(r.project_id, r.rules);
    for (const w of await engine.listWebhooks()) settings.webhooks.set(w.project_id, w.url);
    return settings;
  }

  rulesFor(projectId: string): readonly InterventionRule[] {
    return this.rules.get(projectId) ?? DEFAULT_RULES;
  }

  hasCustomRules(projectId: string): boolean {
    return this.rules.has(projectId);
  }

  webhookFor(projectId: string): string | undefined {
    return this.webhooks.get(projectId);
  }

  async setRules(projectId: string, rules: InterventionRule[] | null): Promise<void> {
    await this.engine.setInterventionRules(projectId, rules);
    if (rules) this.rules.set(projectId, rules);
    else this.rules.delete(projectId);
  }

  async setWebhook(projectId: string, url: string | null): Promise<void> {
    await this.engine.setWebhook(projectId, url);
    if (url) this.webhooks.set(projectId, url);
    else this.webhooks.delete(projectId);
  }
}
