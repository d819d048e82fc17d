import type { GuardConfig } from "../guard/config.js";
import { updateComment } from "../github/guarded-comments.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";

export interface TrackingLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The run's tracking comment, edited in place: progress at most every `intervalMs` (the latest state
 * wins, so a burst of tool calls is one edit), then the report. A failed progress edit is logged and
 * forgotten; it must not end the run. Without a comment (a scheduled run), nothing is posted.
 */
export class TrackingComment {
  private pending: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private finished = false;

  constructor(
    private readonly octokit: OctokitLike,
    private readonly repo: RepoRef,
    private readonly commentId: number | undefined,
    private readonly guard: GuardConfig,
    private readonly log: TrackingLog,
    private readonly intervalMs = 5000,
    private readonly clock: () => number = Date.now,
  ) {}

  progress(body: string): void {
    if (this.commentId === undefined || this.finished) return;
    this.pending = body;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - this.clock());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const next = this.pending;
      this.pending = undefined;
      if (next !== undefined) void this.write(next, false);
    }, wait);
    this.timer.unref?.();
  }

  /** The final body: pending progress is dropped, an edit under way is waited for. Throws if it fails. */
  async finish(body: string): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    if (this.commentId === undefined) return;
    await this.inFlight;
    await this.write(body, true);
  }

  private write(body: string, final: boolean): Promise<void> {
    this.lastWrite = this.clock();
    const id = this.commentId!;
    const attempt = this.inFlight.then(() => updateComment(this.octokit, this.repo, id, body, this.guard));
    this.inFlight = attempt.catch((err: unknown) => {
      if (!final)
        this.log.warn("could not update the tracking comment", {
          error: (err as Error)?.message ?? String(err),
        });
    });
    return final ? attempt : this.inFlight;
  }
}
