import type { PatchwrightHistory } from "../../github/patchwright-history.js";

export type Mood = "happy" | "worried" | "busy" | "sleepy";

/** What counts as recent: older outcomes no longer move the buddy. */
export const RECENT_DAYS = 30;

/**
 * How the buddy feels about the pull requests patchwright touched in the last 30 days: more closed unmerged
 * than merged worries it, a merge makes it happy, only open ones keep it busy, none puts it to sleep.
 */
export function moodOf(history: PatchwrightHistory, now: Date): Mood {
  const since = now.getTime() - RECENT_DAYS * 24 * 60 * 60 * 1000;
  const recent = history.recent.filter((pull) => Date.parse(pull.updatedAt) >= since);
  if (recent.length === 0) return "sleepy";
  const merged = recent.filter((pull) => pull.outcome === "merged").length;
  const closed = recent.filter((pull) => pull.outcome === "closed").length;
  if (closed > merged) return "worried";
  if (merged > 0) return "happy";
  return "busy";
}

export const MOOD_SENTENCE: Record<Mood, string> = {
  happy: "happy: patchwright's pull requests here were merged lately",
  worried: "worried: patchwright's pull requests here were closed without merging lately",
  busy: "busy: patchwright has pull requests open here",
  sleepy: `sleepy: nothing from patchwright here in the last ${RECENT_DAYS} days`,
};
