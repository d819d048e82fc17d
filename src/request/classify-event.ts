import type { z } from "zod";
import {
  CheckSuiteEvent,
  DispatchEvent,
  WorkflowRunEvent,
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
    | ({ type: "ci" } & CiResult)
  );

/** A check on the default branch that finished failing or passing, for the failing-CI fixer. */
export interface CiResult {
  /** An Actions workflow run, or another CI app's check suite. */
  source: "workflow_run" | "check_suite";
  /** The workflow run's id, or the check suite's. */
  id: number;
  attempt: number;
  /** The workflow's name (or the CI app's): a later result of the same check is matched by it. */
  check: string;
  conclusion: "failure" | "success";
  headSha: string;
  url?: string;
  /** The workflow's file, e.g. `.github/workflows/test.yml`. */
  workflowPath?: string;
  /** The check suite's app (its slug), so patchwright's own checks are never something to fix. */
  app?: string;
}

/** The candidates that become a run through the thread or dispatch path (the CI results have their own). */
export type RequestCandidate = Exclude<Candidate, { type: "ci" } | { type: "edited" }>;

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
        installationId: e.installation?.id,
        sender: e.sender,
        type: "dispatch",
        event: name as "schedule" | "workflow_dispatch" | "repository_dispatch",
        prompt: typeof prompt === "string" ? prompt : "",
        ...(typeof task === "string" && task.trim() ? { task: task.trim() } : {}),
        ...(e.schedule ? { schedule: e.schedule } : {}),
      };
    }
  }
  if (key === "workflow_run.completed" || key === "check_suite.completed") return ciResult(key, payload);
  if (name === "pull_request" && typeof action === "string" && REVIEW_ACTIONS.has(action)) {
    const e = parse(PullRequestEvent, payload);
    if (!e) return malformed(key);
    return { ...common(e), type: "review", action, pullRequest: e.pull_request, author: e.pull_request.user };
  }
  return { type: "ignored", reason: `${key} requests nothing` };
}

/** Events that pull requests cause test a merge, not the default branch: only its own runs count. */
const PULL_EVENTS = new Set(["pull_request", "pull_request_target", "merge_group"]);

/**
 * A finished workflow run or check suite, when it is about the default branch of this repository (not a
 * fork's branch of the same name, not patchwright's own branches) and failed or passed.
 */
function ciResult(key: string, payload: unknown): Classified {
  if (key === "workflow_run.completed") {
    const e = parse(WorkflowRunEvent, payload);
    if (!e) return malformed(key);
    const run = e.workflow_run;
    const fromHere = run.head_repository?.full_name.toLowerCase() === e.repository.full_name.toLowerCase();
    const event = typeof run["event"] === "string" ? run["event"] : "";
    if (!fromHere || PULL_EVENTS.has(event)) return notDefault(key);
    const check = e.workflow?.name || run.name || run.path || `workflow ${run.workflow_id}`;
    return ciCandidate(e, run.head_branch, run.conclusion, key, {
      source: "workflow_run",
      id: run.id,
      attempt: run.run_attempt ?? 1,
      check,
      headSha: run.head_sha,
      url: run.html_url,
      ...(run.path ? { workflowPath: run.path } : {}),
    });
  }
  const e = parse(CheckSuiteEvent, payload);
  if (!e) return malformed(key);
  const suite = e.check_suite;
  // Actions' own suites arrive as workflow_run too, with their logs: those are handled there.
  if (suite.app?.slug === "github-actions")
    return { type: "ignored", reason: `${key} of GitHub Actions is handled as workflow_run` };
  return ciCandidate(e, suite.head_branch, suite.conclusion, key, {
    source: "check_suite",
    id: suite.id,
    attempt: 1,
    check: suite.app?.name ?? "CI",
    headSha: suite.head_sha,
    ...(suite.app?.slug ? { app: suite.app.slug } : {}),
  });
}

function ciCandidate(
  e: { repository: Repository; installation?: { id: number } | undefined; sender: Account },
  branch: string | null,
  conclusion: string | null,
  key: string,
  result: Omit<CiResult, "conclusion">,
): Classified {
  if (branch !== (e.repository.default_branch ?? "main")) return notDefault(key);
  if (conclusion !== "failure" && conclusion !== "success")
    return { type: "ignored", reason: `${key} concluded ${conclusion ?? "nothing"}` };
  return { ...common(e), type: "ci", ...result, conclusion };
}

function notDefault(key: string): Classified {
  return { type: "ignored", reason: `${key} is not about the default branch of this repository` };
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
