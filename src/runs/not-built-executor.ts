import { updateComment } from "../github/guarded-comments.js";
import type { OctokitLike } from "../github/octokit-like.js";
import type { RunRequest } from "../request/run-request.js";
import { notYetImplementedBody } from "./messages.js";
import type { RunExecutor } from "./run-queue.js";

export interface ExecutorLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The run behind the queue until the agent is built: it says plainly, in the log and on the tracking
 * comment, that the request was understood and that nothing was done.
 */
export function notBuiltExecutor(
  octokitFor: (request: RunRequest) => Promise<OctokitLike>,
  log: ExecutorLog,
): RunExecutor {
  return async (request) => {
    log.warn(
      `not yet implemented: ${request.kind} runs are not built into this version; nothing was changed`,
      {
        run: request.id,
        kind: request.kind,
      },
    );
    if (request.trackingCommentId === undefined) return;
    const marker = { run: request.id, trigger: request.trigger.key };
    await updateComment(
      await octokitFor(request),
      { owner: request.repository.owner, repo: request.repository.name },
      request.trackingCommentId,
      notYetImplementedBody(request, marker),
      request.config.guard,
    );
  };
}
