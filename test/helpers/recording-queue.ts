import type { RunRequest } from "../../src/request/run-request.js";
import type { RunQueue } from "../../src/runs/run-queue.js";

/** A queue that keeps what the front door queued and runs nothing: for tests of the front door alone. */
export function recordingQueue(): RunQueue & { requests: RunRequest[] } {
  const requests: RunRequest[] = [];
  return {
    requests,
    add: (request) => void requests.push(request),
    cancel: () => false,
    onIdle: () => Promise.resolve(),
  };
}
