import type { ConfigError } from "../../config/parse-repo-config.js";
import type { RepoConfig } from "../../config/schema.js";
import type { OctokitLike } from "../../github/octokit-like.js";
import type { PullRequest } from "../../request/payloads.js";
import type { IntentRouter } from "../../request/route-intent.js";
import type { RunKind, RunRequest } from "../../request/run-request.js";
import type { HistoryCache } from "../buddy/history-cache.js";
import type { RunQueue } from "../queue/run-queue.js";
import type { RunLog } from "../run-log/run-log.js";

export interface WebhookEvent {
  /** The delivery id (X-GitHub-Delivery), or the Actions run id. */
  id: string;
  name: string;
  payload: unknown;
}

export interface FrontDoorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface FrontDoorDeps {
  octokit: OctokitLike;
  queue: RunQueue;
  /** The login the App or the Action's token acts as: its own events are never triggers. */
  botLogin: string;
  router: IntentRouter;
  /** The id of the run a delivery starts (front-door/run-id.ts in the App: derived from the delivery). */
  newRunId: (deliveryId: string) => string;
  now: () => Date;
  log: FrontDoorLog;
  /** Where a run can be followed (the Actions job); none for the App yet. */
  followUrl?: string;
  /** Filled in when the payload has no repository (a scheduled workflow). */
  fallbackRepository?: { owner: string; name: string; defaultBranch: string };
  /** The Action's `prompt` input: run it on whatever event started the workflow, no mention needed. */
  prompt?: string;
  /** Where the repository's config lives, when not `.github/patchwright.yml` (the Action's config_path). */
  configPath?: string;
  /** Settings given by the surface (the Action's inputs) on top of the repository's config. */
  adjustConfig?: (config: RepoConfig) => RepoConfig;
  /**
   * Say an invalid config on a pull request event as a failed check run on its head (the App, whose
   * `checks: write` allows it). The Action's job is a check already: it fails the job instead.
   */
  configCheckRuns?: boolean;
  /** Where queued runs are recorded for the run page and the dashboard; its page links the tracking comment. */
  runLog?: Pick<RunLog, "queued" | "discard">;
  /** patchwright's history per repository for `buddy`, kept by the process; without it every call searches. */
  buddyHistory?: HistoryCache;
}

export type Outcome =
  | { status: "ignored"; reason: string; configError?: ConfigError }
  | { status: "replied"; reason: string }
  | { status: "duplicate"; key: string }
  | { status: "queued"; request: RunRequest }
  /** A schedule or dispatch event queued one maintenance run per task it made due. */
  | { status: "scheduled"; requests: RunRequest[] };

/** What a trigger asks for, once decided: a run to queue, or an outcome already reached. */
export type Resolved =
  | {
      status: "request";
      kind: RunKind;
      instruction: string;
      command?: string;
      thread?: { number: number; isPullRequest: boolean };
      pr?: PullRequest;
      key: string;
      author: string;
      /** Frustration was noticed: the line for the tracking comment, and the report's line. */
      courseChange?: { acknowledgement: string; report: string };
    }
  | Exclude<Outcome, { status: "queued" | "scheduled" }>;
