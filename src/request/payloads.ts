import { z } from "zod";

// The parts of webhook payloads the front door reads, validated at the boundary. Unknown fields pass.
export const Account = z.object({
  login: z.string(),
  id: z.number().optional(),
  type: z.string().optional(),
});
export type Account = z.infer<typeof Account>;

export const Repository = z.object({
  /** GitHub's id: it stays the same when the repository is renamed or moves to another owner. */
  id: z.number().optional(),
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  default_branch: z.string().optional(),
  private: z.boolean().optional(),
});
export type Repository = z.infer<typeof Repository>;

const Base = z.object({
  action: z.string().optional(),
  repository: Repository,
  sender: Account,
  installation: z.object({ id: z.number() }).optional(),
});

const Comment = z.object({
  id: z.number(),
  body: z.string().nullable().default(""),
  user: Account,
  created_at: z.string(),
});

const Issue = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string().nullable().default(""),
  user: Account,
  created_at: z.string(),
  pull_request: z.object({}).passthrough().optional(),
  /** How many comments the issue has: none means no earlier answer to be frustrated with. */
  comments: z.number().optional(),
});

export const PullRequest = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string().nullable().default(""),
  draft: z.boolean().optional().default(false),
  user: Account,
  head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }) }),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const IssueCommentEvent = Base.extend({ issue: Issue, comment: Comment });
export const ReviewCommentEvent = Base.extend({ comment: Comment, pull_request: PullRequest });
export const ReviewEvent = Base.extend({
  review: z.object({
    id: z.number(),
    body: z.string().nullable().default(""),
    user: Account,
    submitted_at: z.string().nullable(),
  }),
  pull_request: PullRequest,
});
export const IssuesEvent = Base.extend({
  issue: Issue,
  assignee: Account.nullable().optional(),
  label: z.object({ name: z.string() }).optional(),
  /** What an `edited` event changed: the body as it was, when the body is what changed. */
  changes: z.object({ body: z.object({ from: z.string() }).optional() }).optional(),
});
export const PullRequestEvent = Base.extend({ pull_request: PullRequest });
// In Actions a schedule event carries no repository; the surface fills it in from GITHUB_REPOSITORY.
export const DispatchEvent = z.object({
  repository: Repository.optional(),
  sender: Account.optional(),
  inputs: z.record(z.string(), z.unknown()).nullable().optional(),
  client_payload: z.record(z.string(), z.unknown()).nullable().optional(),
  action: z.string().optional(),
  /** A scheduled workflow's cron line that fired. */
  schedule: z.string().optional(),
  /** The App's scheduler names the installation its synthetic `schedule` delivery runs under. */
  installation: z.object({ id: z.number() }).optional(),
});

/** A finished workflow run (`workflow_run.completed`): which workflow, on which branch and commit, how it ended. */
export const WorkflowRunEvent = Base.extend({
  workflow: z.looseObject({ name: z.string().nullable().optional(), path: z.string().optional() }).optional(),
  workflow_run: z.looseObject({
    id: z.number(),
    name: z.string().nullable().optional(),
    path: z.string().optional(),
    workflow_id: z.number(),
    run_attempt: z.number().optional(),
    head_branch: z.string().nullable(),
    head_sha: z.string(),
    conclusion: z.string().nullable(),
    html_url: z.string(),
    head_repository: z.looseObject({ full_name: z.string() }).nullable().optional(),
  }),
});

/** A finished check suite (`check_suite.completed`): CI other than Actions reports through these. */
export const CheckSuiteEvent = Base.extend({
  check_suite: z.looseObject({
    id: z.number(),
    head_branch: z.string().nullable(),
    head_sha: z.string(),
    conclusion: z.string().nullable(),
    app: z.looseObject({ slug: z.string().optional(), name: z.string() }).nullable().optional(),
  }),
});
