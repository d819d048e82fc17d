import type { RepoConfig } from "../config/schema.js";

/**
 * One sentence for each maintenance setting the config switches on that this version does not carry
 * out, for every maintenance run's report: a setting is never silently ignored.
 */
export function unbuiltMaintenanceNotes(maintenance: RepoConfig["maintenance"]): string[] {
  const notes: string[] = [];
  if (maintenance.ciFix)
    notes.push(
      "`maintenance.ciFix` is on, but this version does not build the failing-CI fixer yet: failed workflow runs start nothing.",
    );
  if (maintenance.dream)
    notes.push(
      "`maintenance.dream` is set, but this version does not build dreaming yet: the memory notes are not consolidated.",
    );
  return notes;
}
