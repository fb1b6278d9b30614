/** Journey names tracked per project; beyond this, new names are counted under OTHER_JOURNEYS. */
export const MAX_JOURNEY_NAMES_PER_PROJECT = 1000;
export const OTHER_JOURNEYS = '(other)';

export interface JourneyCounts {
  started: number;
  completed: number;
  abandoned: number;
}

/** Started / completed / abandoned per (project, journey name): the completion rate (completed / started, docs/SEMANTICS.md, Journeys). */
export class JourneyStats {
  private readonly byProject = new Map<string, Map<string, JourneyCounts>>();

  count(projectId: string, name: string, what: keyof JourneyCounts): JourneyCounts {
    let names = this.byProject.get(projectId);
    if (!names) {
      names = new Map();
      this.byProject.set(projectId, names);
    }
    let counts = names.get(name);
    if (!counts) {
      const key = names.size >= MAX_JOURNEY_NAMES_PER_PROJECT ? OTHER_JOURNEYS : name;
      counts = names.get(key) ?? { started: 0, completed: 0, abandoned: 0 };
      names.set(key, counts);
    }
    counts[what]++;
    return counts;
  }

  completionRate(projectId: string, name: string): number {
    const names = this.byProject.get(projectId);
    const counts = names?.get(name) ?? names?.get(OTHER_JOURNEYS);
    return counts && counts.started > 0 ? counts.completed / counts.started : 0;
  }

  toJSON(): Record<string, Record<string, JourneyCounts>> {
    const out: Record<string, Record<string, JourneyCounts>> = {};
    for (const [project, names] of this.byProject) out[project] = Object.fromEntries(names);
    return out;
  }

  static fromJSON(json: Record<string, Record<string, JourneyCounts>> | undefined): JourneyStats {
    const stats = new JourneyStats();
    for (const [project, names] of Object.entries(json ?? {}))
      stats.byProject.set(project, new Map(Object.entries(names).map(([n, c]) => [n, { ...c }])));
    return stats;
  }
}
