import type { KeySettings } from '@sightline/schema';
import type { WriteNotices } from '../live/write-notices.js';
import {
  applyKeySettingsPatch,
  copyKeySettings,
  defaultKeySettings,
  type KeySettingsPatch,
  parseStoredKeySettings,
} from '../projects/key-settings.js';
import type { StorageEngine } from '../storage/engine.js';
import type { InterventionRule } from '../storage/processor-records.js';
import { SerialQueue } from '../util/serial-queue.js';
import { DEFAULT_RULES } from './intervention-rules.js';

/**
 * Per-project intervention rules, webhook URLs and key settings (key funnel, key journey), held in
 * memory, written through to the engine.
 */
export class ProjectSettings {
  private readonly rules = new Map<string, InterventionRule[]>();
  private readonly webhooks = new Map<string, string>();
  private readonly keySettings = new Map<string, KeySettings>();
  /** Key settings updates run one at a time, so two partial PUTs never lose each other's field. */
  private readonly keySettingsUpdates = new SerialQueue();

  private constructor(
    private readonly engine: StorageEngine,
    private readonly writes: WriteNotices,
  ) {}

  /** `writes` hears of every change once it is stored (live queries re-run what reads it). */
  static async load(engine: StorageEngine, writes: WriteNotices): Promise<ProjectSettings> {
    const settings = new ProjectSettings(engine, writes);
    await settings.reload();
    return settings;
  }

  /** Reads every project's settings again (another node changed some: cluster/cluster-bus.ts). */
  async reload(): Promise<void> {
    const [rules, webhooks, keySettings] = await Promise.all([
      this.engine.listInterventionRules(),
      this.engine.listWebhooks(),
      this.engine.listProjectSettings(),
    ]);
    this.rules.clear();
    for (const r of rules) this.rules.set(r.project_id, r.rules);
    this.webhooks.clear();
    for (const w of webhooks) this.webhooks.set(w.project_id, w.url);
    this.keySettings.clear();
    for (const row of keySettings) {
      const stored = parseStoredKeySettings(row.settings_json);
      if (stored) this.keySettings.set(row.project_id, stored);
    }
  }

  rulesFor(projectId: string): readonly InterventionRule[] {
    return this.rules.get(projectId) ?? DEFAULT_RULES;
  }

  /** Every project's own rules (the others use DEFAULT_RULES). */
  customRules(): Array<[projectId: string, rules: InterventionRule[]]> {
    return [...this.rules];
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
    this.writes.notifyWrite(projectId, ['rules']);
  }

  async setWebhook(projectId: string, url: string | null): Promise<void> {
    await this.engine.setWebhook(projectId, url);
    if (url) this.webhooks.set(projectId, url);
    else this.webhooks.delete(projectId);
    this.writes.notifyWrite(projectId, ['webhooks']);
  }

  /** The project's key funnel and journey: stored ones, else the defaults (defaultKeySettings). */
  keySettingsFor(projectId: string): KeySettings {
    return copyKeySettings(this.keySettings.get(projectId) ?? defaultKeySettings(projectId));
  }

  /** Changes the fields the patch gives, keeps the others; resolves to the settings now in force. */
  updateKeySettings(projectId: string, patch: KeySettingsPatch): Promise<KeySettings> {
    return this.keySettingsUpdates.run(async () => {
      const next = applyKeySettingsPatch(this.keySettingsFor(projectId), patch);
      await this.engine.setProjectSettings(projectId, JSON.stringify(next));
      this.keySettings.set(projectId, next);
      this.writes.notifyWrite(projectId, ['settings']);
      return copyKeySettings(next);
    });
  }
}
