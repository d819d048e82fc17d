import type { BuddyHistory } from "./history.js";

/**
 * How long the counts are kept: the search API allows 30 requests a minute, and a buddy needs three
 * searches and a GraphQL request holding three more.
 */
export const HISTORY_TTL_MS = 10 * 60 * 1000;

/** Enough repositories for one App; past it the oldest entry goes. */
const MAX_ENTRIES = 500;

/**
 * patchwright's history per repository, kept 10 minutes in memory: created once per process, so two
 * `buddy` calls in a row ask GitHub once. A load in flight is shared; a failed one, or one with a part
 * GitHub did not answer for, is not kept, so the next call asks again.
 */
export class HistoryCache {
  private readonly entries = new Map<string, { at: number; history: Promise<BuddyHistory> }>();

  get(key: string, now: Date, load: () => Promise<BuddyHistory>): Promise<BuddyHistory> {
    const entry = this.entries.get(key);
    if (entry && now.getTime() - entry.at < HISTORY_TTL_MS) return entry.history;
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const history = load();
    this.entries.set(key, { at: now.getTime(), history });
    const forget = () => {
      if (this.entries.get(key)?.history === history) this.entries.delete(key);
    };
    history.then((h) => (h.pulls && h.reviews ? undefined : forget()), forget);
    return history;
  }
}
