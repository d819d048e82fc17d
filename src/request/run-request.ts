import { z } from "zod";
import { RepoConfig } from "../config/schema.js";

export const RunKind = z.enum(["implement", "answer", "plan", "review", "maintenance", "prompt"]);
export type RunKind = z.infer<typeof RunKind>;

/** The one typed request every surface produces and every run consumes. */
export const RunRequest = z.object({
  id: z.string().min(1),
  kind: RunKind,
  repository: z.object({
    owner: z.string(),
    name: z.string(),
    defaultBranch: z.string(),
    private: z.boolean(),
  }),
  installationId: z.number().optional(),
  /** The issue or pull request the run belongs to; absent for schedule and dispatch runs. */
  thread: z.object({ number: z.number(), isPullRequest: z.boolean() }).optional(),
  trigger: z.object({
    event: z.string(),
    deliveryId: z.string(),
    /** Stable across redeliveries of the same trigger: the idempotency key. */
    key: z.string(),
    commentId: z.number().optional(),
    commentKind: z.enum(["issue_comment", "review_comment", "review", "issue_body"]).optional(),
    author: z.string(),
    /** The author's account id, for the noreply address of a `Co-authored-by:` trailer. */
    authorId: z.number().optional(),
    /** When the triggering text was written: context edited after it is not trusted. */
    createdAt: z.string().optional(),
  }),
  /** What was asked, sanitised; only the triggering text counts as instructions. */
  instruction: z.string(),
  /** A command that shaped the request (`approve`, `plan`, or a custom `/name`). */
  command: z.string().optional(),
  refs: z.object({
    base: z.string(),
    head: z.string().optional(),
    headSha: z.string().optional(),
    fromFork: z.boolean(),
  }),
  trackingCommentId: z.number().optional(),
  /**
   * The report's line on a course the run took other than asked, because the thread showed frustration
   * (read locally by the front door): what was noticed and what the run does instead.
   */
  courseChange: z.string().optional(),
  config: RepoConfig,
  requestedAt: z.string(),
  /** A maintenance run's task, and the moment it was due (recorded as the task's last run). */
  maintenance: z
    .object({
      task: z.string(),
      dueAt: z.string(),
      /** The failing-CI fixer's run: the check that failed on the default branch. */
      ci: z
        .object({
          source: z.enum(["workflow_run", "check_suite"]),
          id: z.number(),
          check: z.string(),
          headSha: z.string(),
          url: z.string().optional(),
          workflowPath: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** How often the run was started before and did not finish (its worker died or was drained). */
  restarts: z.number().int().positive().optional(),
});
export type RunRequest = z.infer<typeof RunRequest>;
