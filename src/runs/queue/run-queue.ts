import type { RunRequest } from "../../request/run-request.js";

/** Carries out one run; must stop promptly when the signal aborts. */
export type RunExecutor = (request: RunRequest, signal: AbortSignal) => Promise<void>;

/** What the front door hands accepted requests to. */
export interface RunQueue {
  /** Resolves once the request is stored where a worker will find it (after a restart too). */
  add(request: RunRequest): Promise<void>;
  /** Stops the queued or running run on a thread; false when there was none. */
  cancel(threadKey: string): Promise<boolean>;
  /**
   * Records that `deliveryId` starts the run for trigger `key`, before anything is posted: false when
   * another delivery already did, so two deliveries of one trigger (a redelivery handled by another
   * worker) never both start a run. The same delivery asking again (its handling was restarted) gets true.
   */
  claimTrigger?(key: string, deliveryId: string): Promise<boolean>;
}

export function threadKey(request: {
  repository: { owner: string; name: string };
  thread?: { number: number } | undefined;
}): string {
  const { owner, name } = request.repository;
  return `${owner}/${name}#${request.thread?.number ?? "-"}`.toLowerCase();
}

export function repositoryKey(request: { repository: { owner: string; name: string } }): string {
  return `${request.repository.owner}/${request.repository.name}`.toLowerCase();
}

/** Runs that push: one at a time per repository, so two never race for the same branches. */
export function writesToRepository(request: RunRequest): boolean {
  return request.kind === "implement" || request.kind === "prompt" || request.kind === "maintenance";
}
