import type { RunRequest } from "../../src/request/run-request.js";
import type { RunQueue } from "../../src/runs/queue/run-queue.js";
import { SqliteQueue } from "../../src/runs/queue/sqlite-queue.js";
import { quietLog } from "../runs/queue/queue-helpers.js";

/** A queue that keeps what the front door queued and runs nothing: for tests of the front door alone. */
export function recordingQueue(): RunQueue & { requests: RunRequest[] } {
  const requests: RunRequest[] = [];
  return {
    requests,
    add: (request) => Promise.resolve(void requests.push(request)),
    cancel: () => Promise.resolve(false),
  };
}

/** A durable queue in memory, for an App under test: deliveries go through it as in production. */
export function memoryQueue(): SqliteQueue {
  return new SqliteQueue(":memory:", { leaseMs: 30_000, maxRestarts: 2, log: quietLog });
}
