import { join } from "node:path";
import type { DurableQueue, QueueLog } from "./durable-queue.js";
import { RedisQueue } from "./redis-queue.js";
import { SqliteQueue } from "./sqlite-queue.js";

/** How the App keeps its queue: read from the environment by the App's settings (read-app-env.ts). */
export interface QueueSettings {
  backend: "sqlite" | "redis";
  /** PATCHWRIGHT_STATE_DIR: the SQLite file, the transcripts. */
  stateDir: string;
  /** REDIS_URL, for the redis backend. */
  redisUrl?: string;
  leaseMs: number;
  maxRestarts: number;
  retentionMs: number;
}

export const QUEUE_DEFAULTS = {
  leaseMs: 30_000,
  maxRestarts: 2,
  retentionMs: 14 * 24 * 3600_000,
} as const;

export function openQueue(settings: QueueSettings, log: QueueLog): DurableQueue {
  const common = { leaseMs: settings.leaseMs, maxRestarts: settings.maxRestarts, log };
  if (settings.backend === "redis") {
    if (!settings.redisUrl) throw new Error("the redis queue needs REDIS_URL");
    return new RedisQueue({ ...common, url: settings.redisUrl, retentionMs: settings.retentionMs });
  }
  return new SqliteQueue(join(settings.stateDir, "queue.sqlite"), common);
}
