import type { OctokitLike } from "../github/octokit-like.js";
import { pruneOlderThan } from "./prune-files.js";
import type { DurableQueue, QueueLog } from "./queue/durable-queue.js";
import { reconcileDeliveries } from "./reconcile-deliveries.js";
import type { RunStore } from "./run-log/run-store.js";

export interface HousekeepingOptions {
  queue: DurableQueue;
  /** An Octokit authenticated as the App (its JWT): the deliveries list is the App's, not an installation's. */
  appOctokit: () => Promise<OctokitLike>;
  transcriptDir: string;
  /** The run pages' records: pruned with the transcripts, so a page expires with its transcript. */
  runStore?: RunStore;
  retentionMs: number;
  /** How often failed deliveries are redelivered; 0 turns reconciliation off. */
  reconcileMs: number;
  log: QueueLog;
  now?: () => Date;
}

const PRUNE_EVERY_MS = 3600_000;

/**
 * The server's chores: redeliver the webhook deliveries that never reached it (at start, so what failed
 * while it was down comes back, then every `reconcileMs`), and forget finished jobs and transcripts older
 * than the retention (at start, then hourly). A chore that fails is logged and tried at its next turn.
 */
export function startHousekeeping(options: HousekeepingOptions): { stop(): void } {
  const now = options.now ?? (() => new Date());
  const prune = async (): Promise<void> => {
    const before = new Date(now().getTime() - options.retentionMs);
    const jobs = await options.queue.prune(before);
    const files = await pruneOlderThan(options.transcriptDir, before);
    const runs = options.runStore?.prune(before) ?? 0;
    if (jobs + files + runs > 0) options.log.info("pruned what passed the retention", { jobs, files, runs });
  };
  const reconcile = async (): Promise<void> => {
    const result = await reconcileDeliveries({ octokit: await options.appOctokit(), now, log: options.log });
    if (result.failed > 0 || result.refused > 0)
      options.log.info("reconciled webhook deliveries", { ...result });
  };
  const guarded = (name: string, chore: () => Promise<void>) => (): void =>
    void chore().catch((err: unknown) =>
      options.log.warn(`could not ${name}; trying again at its next turn`, {
        error: (err as Error)?.message,
      }),
    );
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, chore: () => void): void => {
    chore();
    const timer = setInterval(chore, ms);
    timer.unref();
    timers.push(timer);
  };
  every(PRUNE_EVERY_MS, guarded("prune old jobs and transcripts", prune));
  if (options.reconcileMs > 0) every(options.reconcileMs, guarded("reconcile webhook deliveries", reconcile));
  return { stop: () => timers.forEach(clearInterval) };
}
