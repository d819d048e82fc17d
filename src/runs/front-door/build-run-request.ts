import type { RepoConfig } from "../../config/schema.js";
import { isFromFork } from "../../github/pulls.js";
import type { RequestCandidate } from "../../request/classify-event.js";
import type { RunRequest } from "../../request/run-request.js";
import type { Resolved } from "./types.js";

export interface RequestParts {
  id: string;
  event: { id: string; name: string };
  candidate: RequestCandidate;
  resolved: Extract<Resolved, { status: "request" }>;
  repository: RunRequest["repository"];
  config: RepoConfig;
  trackingCommentId: number | undefined;
  requestedAt: string;
}

/** The typed request a run is queued with: everything the run needs, taken from the event once. */
export function buildRunRequest(p: RequestParts): RunRequest {
  const c = p.candidate;
  const { kind, instruction, command, thread, pr, key, author } = p.resolved;
  const authorId = c.type === "dispatch" ? c.sender?.id : c.author.id;
  return {
    id: p.id,
    kind,
    repository: p.repository,
    ...(c.installationId !== undefined ? { installationId: c.installationId } : {}),
    ...(thread ? { thread } : {}),
    trigger: {
      event: p.event.name,
      deliveryId: p.event.id,
      key,
      ...(c.type === "mention"
        ? {
            commentId: c.comment.id,
            commentKind: c.comment.kind,
            createdAt: c.comment.createdAt || undefined,
          }
        : {}),
      author,
      ...(authorId !== undefined ? { authorId } : {}),
    },
    instruction,
    ...(command ? { command } : {}),
    refs: {
      base: pr?.base.ref ?? p.repository.defaultBranch,
      ...(pr ? { head: pr.head.ref, headSha: pr.head.sha } : {}),
      fromFork: pr ? isFromFork(pr) : false,
    },
    ...(p.trackingCommentId !== undefined ? { trackingCommentId: p.trackingCommentId } : {}),
    ...(p.resolved.courseChange ? { courseChange: p.resolved.courseChange.report } : {}),
    config: p.config,
    requestedAt: p.requestedAt,
  };
}
