import type { MaintenanceTask } from "../config/schema.js";
import { pullsForBranch } from "../github/maintenance-pulls.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { branchFor } from "./task-identity.js";
import { readTaskRecord, type TaskRecord } from "./task-record.js";

/**
 * Each task's record, read from the newest of its pull requests that carries one: the record survives
 * on GitHub, so any scheduler (an Action's next tick, another App process) reads the same one.
 */
export async function readTaskRecords(
  octokit: OctokitLike,
  repo: RepoRef,
  tasks: readonly MaintenanceTask[],
  branchPrefix: string,
): Promise<Map<string, TaskRecord>> {
  const records = new Map<string, TaskRecord>();
  for (const task of tasks) {
    const pulls = await pullsForBranch(octokit, repo, branchFor(task, branchPrefix));
    for (const pull of pulls) {
      const record = readTaskRecord(pull.body);
      if (record?.task !== task.name) continue;
      records.set(task.name, record);
      break;
    }
  }
  return records;
}

/** The last runs `dueTasks` counts from: a record whose date does not read counts as none. */
export function lastRunsOf(records: ReadonlyMap<string, TaskRecord>): Map<string, Date> {
  const lastRuns = new Map<string, Date>();
  for (const [name, record] of records) {
    const at = new Date(record.lastRun);
    if (!Number.isNaN(at.getTime())) lastRuns.set(name, at);
  }
  return lastRuns;
}
