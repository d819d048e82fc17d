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

/** Runs that push: one at a time per repository, so two never race for the same branches. */
export function writesToRepository(request: RunRequest): boolean {
  return request.kind === "implement" || request.kind === "prompt" || request.kind === "maintenance";
}

export interface QueueLog {
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface QueueOptions {
  /** Runs at once, over all repositories. */
  concurrency?: number;
  /** Told when a write run has to wait for another on the same repository (to say so on its thread). */
  onWaiting?: (request: RunRequest) => void;
}

/** Runs requests in this process: at most `concurrency` at once, one write run per repository. */
export class InProcessRunQueue implements RunQueue {
  private readonly queue: PQueue;
  private readonly controllers = new Map<string, Set<AbortController>>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly execute: RunExecutor,
    private readonly log: QueueLog,
    private readonly options: QueueOptions = {},
  ) {
    this.queue = new PQueue({ concurrency: options.concurrency ?? 2 });
  }

  add(request: RunRequest): void {
    const key = threadKey(request);
    const controller = new AbortController();
    const onThread = this.controllers.get(key) ?? new Set();
    onThread.add(controller);
    this.controllers.set(key, onThread);
    const run = (): Promise<void> =>
      this.queue.add(async () => {
        if (controller.signal.aborted) return;
        await this.execute(request, controller.signal);
      });
    let done: Promise<void>;
    if (writesToRepository(request)) {
      // Waiting for the repository outside the pool, so a waiting run holds no worker.
      const repo = `${request.repository.owner}/${request.repository.name}`.toLowerCase();
      const before = this.writing.get(repo);
      if (before) this.options.onWaiting?.(request);
      done = (before ?? Promise.resolve()).then(run);
      const settled = done.catch(() => undefined);
      this.writing.set(repo, settled);
      void settled.then(() => {
        if (this.writing.get(repo) === settled) this.writing.delete(repo);
      });
    } else {
      done = run();
    }
    void done
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

  async onIdle(): Promise<void> {
    // Runs waiting for their repository are not in the pool yet: wait for those chains too.
    while (this.writing.size > 0 || this.queue.size > 0 || this.queue.pending > 0) {
      await Promise.all([...this.writing.values()]);
      await this.queue.onIdle();
    }
  }
}
