import { z } from "zod";
import type { RepoConfig } from "../config/schema.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";
import { getRepoFile } from "../github/repo-file.js";
import { MEMORY_BRANCH } from "../memory/memory-store.js";
import type { Scheduled } from "./schedule.js";

/** Dreaming's name among the tasks: in dispatches (`task: dream`), trigger keys and reports. */
export const DREAM_TASK = "dream";

/**
 * Dreaming's record: a file on the memory branch itself, written in the same commit as the consolidation,
 * so it survives between workflow runs and is read back with one API call. Its name starts with a dot,
 * which the memory tool refuses: the model can neither read nor change it.
 */
export const DREAM_RECORD_FILE = ".patchwright-dream.json";

export const DreamRecord = z.object({
  /** The moment the run was due (its `dueAt`), the last run for the schedule arithmetic. */
  lastRun: z.iso.datetime({ offset: true }),
  /** What the run did, one word: `consolidated` or `nothing_to_do`. */
  outcome: z.string().max(40),
});
export type DreamRecord = z.infer<typeof DreamRecord>;

export function renderDreamRecord(record: DreamRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The record in a file's text; undefined when it cannot be read (someone edited it: dreaming counts afresh). */
export function parseDreamRecord(text: string): DreamRecord | undefined {
  try {
    const parsed = DreamRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The record on the repository's memory branch, through GitHub; undefined when there is none. */
export async function readDreamRecord(octokit: OctokitLike, repo: RepoRef): Promise<DreamRecord | undefined> {
  const file = await getRepoFile(octokit, { ...repo, ref: MEMORY_BRANCH, path: DREAM_RECORD_FILE });
  return file?.kind === "file" ? parseDreamRecord(new TextDecoder().decode(file.bytes)) : undefined;
}

/** Dreaming as the schedule arithmetic sees it, when the config sets it. */
export function dreamSchedule(config: RepoConfig): Scheduled | undefined {
  const dream = config.maintenance.dream;
  if (!dream || !config.features.memory) return undefined;
  return { name: DREAM_TASK, schedule: dream.schedule, timezone: dream.timezone };
}
