import type { RepoConfig } from "../config/schema.js";

/**
 * One sentence for each maintenance setting the config switches on that this version does not carry
 * out, for every maintenance run's report: a setting is never silently ignored.
 */
export function unbuiltMaintenanceNotes(maintenance: RepoConfig["maintenance"]): string[] {
  const notes: string[] = [];
  if (maintenance.dashboard)
    notes.push(
      "`maintenance.dashboard` is on, but this version does not build the dashboard issue yet: each task's record is kept in its pull request only.",
    );
  return notes;
}
