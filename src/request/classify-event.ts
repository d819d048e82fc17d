import type { z } from "zod";
import {
  DispatchEvent,
  IssueCommentEvent,
  IssuesEvent,
  PullRequestEvent,
  ReviewCommentEvent,
  ReviewEvent,
  type Account,
  type PullRequest,
  type Repository,
} from "./payloads.js";

export type CommentKind = "issue_comment" | "review_comment" | "review" | "issue_body";

interface Common {
  repository: Repository | undefined;
  installationId: number | undefined;
  sender: Account | undefined;
}

/** What an event could ask for, before the config, the mention and the permissions are checked. */
export type Candidate = Common &
  (
    | {
        type: "mention";
        body: string;
        comment: { id: number; kind: CommentKind; createdAt: string };
        author: Account;
        thread: { number: number; isPullRequest: boolean };
        pullRequest: PullRequest | undefined;
        /** The thread's comment count when the payload gives it (an issue comment's does). */
        threadComments?: number;
      }
    | {
        type: "assigned";
        assignee: string;
        thread: { number: number; isPullRequest: false };
        author: Account;
      }
    | { type: "labeled"; label: string; thread: { number: number; isPullRequest: false }; author: Account }
    | { type: "review"; action: string; pullRequest: PullRequest; author: Account }
    | {
        /** An issue's body edited: a ticked "run now" box, if the issue is the maintenance dashboard. */
        type: "edited";
        issue: { number: number; body: string; user: Account };
        before: string;
        author: Account;
      }
    | {
        type: "dispatch";
        event: "schedule" | "workflow_dispatch" | "repository_dispatch";
        prompt: string;
        /** The maintenance task asked for by name (a dispatch's `task` input). */
        task?: string;
        /** The cron line a scheduled workflow fired for. */
        schedule?: string;
      }
  );

export type Classified = Candidate | { type: "ignored"; reason: string };

const REVIEW_ACTIONS = new Set(["opened", "synchronize", "ready_for_review", "reopened"]);

/**
 * Sorts an event into what it could request, reading only the payload: no API call happens here, so
 * the many events that request nothing cost nothing.
 */
export function classifyEvent(name: string, payload: unknown): Classified {
  const action = (payload as { action?: unknown } | null)?.action;
  const key = typeof action === "string" ? `${name}.${action}` : name;
  switch (key) {
    case "issue_comment.created": {
      const e = parse(IssueCommentEvent, payload);
      if (!e) return malformed(key);
      return {
        ...common(e),
        type: "mention",
        body: e.comment.body ?? "",
        comment: { id: e.comment.id, kind: "issue_comment", createdAt: e.comment.created_at },
        author: e.comment.user,
        thread: { number: e.issue.number, isPullRequest: e.issue.pull_request !== undefined },
        pullRequest: undefined,
        ...(e.issue.comments !== undefined ? { threadComments: e.issue.comments } : {}),
      };
    }
    case "pull_request_review_comment.created": {
      const e = parse(ReviewCommentEvent, payload);
      if (!e) return malformed(key);
      return {
        ...common(e),
        type: "mention",
        body: e.comment.body ?? "",
        comment: { id: e.comment.id, kind: "review_comment", createdAt: e.comment.created_at },
        author: e.comment.user,
        thread: { number: e.pull_request.number, isPullRequest: true },
        pullRequest: e.pull_request,
      };
    }
    case "pull_request_review.submitted": {
      const e = parse(ReviewEvent, payload);
      if (!e) return malformed(key);
      return {
        ...common(e),
        type: "mention",
        body: e.review.body ?? "",
        comment: { id: e.review.id, kind: "review", createdAt: e.review.submitted_at ?? "" },
        author: e.review.user,
        thread: { number: e.pull_request.number, isPullRequest: true },
        pullRequest: e.pull_request,
      };
    }
    case "issues.opened": {
      const e = parse(IssuesEvent, payload);
      if (!e) return malformed(key);
      return {
        ...common(e),
        type: "mention",
        body: `${e.issue.title}\n\n${e.issue.body ?? ""}`,
        comment: { id: e.issue.number, kind: "issue_body", createdAt: e.issue.created_at },
        author: e.issue.user,
        thread: { number: e.issue.number, isPullRequest: false },
        pullRequest: undefined,
      };
    }
    case "issues.assigned": {
      const e = parse(IssuesEvent, payload);
      if (!e?.assignee) return malformed(key);
      return {
        ...common(e),
        type: "assigned",
        assignee: e.assignee.login,
        thread: { number: e.issue.number, isPullRequest: false },
        author: e.sender,
      };
    }
    case "issues.labeled": {
      const e = parse(IssuesEvent, payload);
      if (!e?.label) return malformed(key);
      return {
        ...common(e),
        type: "labeled",
        label: e.label.name,
        thread: { number: e.issue.number, isPullRequest: false },
        author: e.sender,
      };
    }
    case "issues.edited": {
      const e = parse(IssuesEvent, payload);
      if (!e) return malformed(key);
      const before = e.changes?.body?.from;
      if (before === undefined || e.issue.pull_request)
        return { type: "ignored", reason: `${key} requests nothing` };
      return {
        ...common(e),
        type: "edited",
        issue: { number: e.issue.number, body: e.issue.body ?? "", user: e.issue.user },
        before,
        author: e.sender,
      };
    }
    case "schedule":
    case "workflow_dispatch":
    case "repository_dispatch":
    case `repository_dispatch.${String(action)}`: {
      const e = parse(DispatchEvent, payload);
      if (!e) return malformed(key);
      const prompt = e.inputs?.["prompt"] ?? e.client_payload?.["prompt"];
      const task = e.inputs?.["task"] ?? e.client_payload?.["task"];
      return {
        repository: e.repository,
        installationId: undefined,
        sender: e.sender,
        type: "dispatch",
        event: name as "schedule" | "workflow_dispatch" | "repository_dispatch",
        prompt: typeof prompt === "string" ? prompt : "",
        ...(typeof task === "string" && task.trim() ? { task: task.trim() } : {}),
        ...(e.schedule ? { schedule: e.schedule } : {}),
      };
    }
  }
  if (name === "pull_request" && typeof action === "string" && REVIEW_ACTIONS.has(action)) {
    const e = parse(PullRequestEvent, payload);
    if (!e) return malformed(key);
    return { ...common(e), type: "review", action, pullRequest: e.pull_request, author: e.pull_request.user };
  }
  return { type: "ignored", reason: `${key} requests nothing` };
}

function parse<T extends z.ZodType>(schema: T, payload: unknown): z.infer<T> | undefined {
  const result = schema.safeParse(payload);
  return result.success ? result.data : undefined;
}

function common(e: {
  repository: Repository;
  installation?: { id: number } | undefined;
  sender: Account;
}): Common {
  return { repository: e.repository, installationId: e.installation?.id, sender: e.sender };
}

function malformed(key: string): Classified {
  return { type: "ignored", reason: `${key} payload is not in the expected shape` };
}

/** A comment's trigger key: stable across deliveries of that comment, so it starts one run at most. */
export function commentTriggerKey(comment: { id: number; kind: CommentKind }): string {
  return `${comment.kind}:${comment.id}`;
}
