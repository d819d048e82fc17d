import PQueue from "p-queue";
import type { RunRequest } from "../request/run-request.js";

/** Carries out one run; must stop promptly when the signal aborts. */
export type RunExecutor = (request: RunRequest, signal: AbortSignal) => Promise<void>;

/** Where accepted requests wait for a worker. In-process today; a durable store can stand behind it. */
export interface RunQueue {
  add(request: RunRequest): void;
  /** Stops the queued or running run on a thread; false when there was none. */
  cancel(threadKey: string): boolean;
  onIdle(): Promise<void>;
}

export function threadKey(request: {
  repository: { owner: string; name: string };
  thread?: { number: number } | undefined;
}): string {
  const { owner, name } = request.repository;
  return `${owner}/${name}#${request.thread?.number ?? "-"}`;
}

export interface QueueLog {
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Runs requests in this process, at most `concurrency` at once. */
export class InProcessRunQueue implements RunQueue {
  private readonly queue: PQueue;
  private readonly controllers = new Map<string, Set<AbortController>>();

  constructor(
    private readonly execute: RunExecutor,
    private readonly log: QueueLog,
    concurrency = 2,
  ) {
    this.queue = new PQueue({ concurrency });
  }

  add(request: RunRequest): void {
    const key = threadKey(request);
    const controller = new AbortController();
    const onThread = this.controllers.get(key) ?? new Set();
    onThread.add(controller);
    this.controllers.set(key, onThread);
    void this.queue
      .add(async () => {
        if (controller.signal.aborted) return;
        await this.execute(request, controller.signal);
      })
      .catch((err: unknown) => {
        // A failing run must never take the server down; the executor reports to the person itself.
        this.log.error("run failed", {
          run: request.id,
          error: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => {
        onThread.delete(controller);
        if (onThread.size === 0 && this.controllers.get(key) === onThread) this.controllers.delete(key);
      });
  }

  cancel(key: string): boolean {
    const onThread = this.controllers.get(key);
    if (!onThread?.size) return false;
    for (const controller of onThread) controller.abort(new Error("stopped on request"));
    this.controllers.delete(key);
    return true;
  }

  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }
}
