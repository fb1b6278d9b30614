import type { Project, ProjectSettingsRow } from '../engine.js';
import type { InterventionRule, ProjectRules, WebhookConfig } from '../processor-records.js';
import { selectRecords } from './codec.js';
import type { RecordTable } from './columns.js';
import type { RecordExecutor } from './executor.js';
import { INTERVENTION_RULES, PROJECT_SETTINGS, PROJECTS, WEBHOOKS } from './tables.js';

/** Projects and what each project sets: intervention rules, webhook, key settings. */
export class SettingsStore {
  constructor(private readonly db: RecordExecutor) {}

  listProjects(): Promise<Project[]> {
    return selectRecords(this.db, PROJECTS, undefined, 'created_at, id');
  }

  upsertProject(project: Project): Promise<void> {
    return this.db.transaction((writer) => writer.put(PROJECTS, [project]));
  }

  listRules(): Promise<ProjectRules[]> {
    return selectRecords(this.db, INTERVENTION_RULES, undefined, 'project_id');
  }

  setRules(projectId: string, rules: InterventionRule[] | null): Promise<void> {
    return this.setOrRemove(INTERVENTION_RULES, projectId, rules && { project_id: projectId, rules });
  }

  listWebhooks(): Promise<WebhookConfig[]> {
    return selectRecords(this.db, WEBHOOKS, undefined, 'project_id');
  }

  setWebhook(projectId: string, url: string | null): Promise<void> {
    return this.setOrRemove(WEBHOOKS, projectId, url ? { project_id: projectId, url } : null);
  }

  listProjectSettings(): Promise<ProjectSettingsRow[]> {
    return selectRecords(this.db, PROJECT_SETTINGS, undefined, 'project_id');
  }

  setProjectSettings(projectId: string, settingsJson: string | null): Promise<void> {
    return this.setOrRemove(
      PROJECT_SETTINGS,
      projectId,
      settingsJson === null ? null : { project_id: projectId, settings_json: settingsJson },
    );
  }

  /** A project's one row of a per-project table: replaced, or (null) removed. */
  private setOrRemove<Row extends { project_id: string }>(
    table: RecordTable<Row, 'project_id'>,
    projectId: string,
    row: Row | null,
  ): Promise<void> {
    return this.db.transaction((writer) =>
      row
        ? writer.put(table, [row])
        : writer.remove(table, [{ project_id: projectId } as Pick<Row, 'project_id'>]),
    );
  }
}
