import type { ModelClient } from "../agent/model-types.js";
import type { OctokitLike } from "../github/octokit-like.js";
import type { RunRequest } from "../request/run-request.js";
import type { Identity } from "../workspace/worktree.js";
import type { RunReport } from "./report.js";
import type { RunLog } from "./run-log/run-log.js";

export interface ExecutorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** What the run executor needs from its surface (the App or the Action); all I/O comes in here. */
export interface ExecutorDeps {
  octokitFor(request: RunRequest): Promise<OctokitLike>;
  /**
   * A token for git. `fresh`: the push at the end of a long run asks for one that was just issued, so an
   * installation token that expired during the run is never the one used.
   */
  tokenFor(request: RunRequest, options: { fresh: boolean }): Promise<string | undefined>;
  /** The repository's git URL, without credentials. */
  remoteUrlFor(request: RunRequest): string;
  /** The Action's job checkout; the App clones into a temporary folder instead. */
  checkout?: string;
  model: ModelClient;
  /** The model when the repository's config names none. */
  defaultModel: string;
  botLogin: string;
  /** Who commits: the App's bot account, or github-actions[bot]. */
  author: Identity;
  /** The environment the agent's commands start from; scrubbed of secrets before use. */
  env: NodeJS.ProcessEnv;
  now: () => Date;
  log: ExecutorLog;
  /** Where the run can be followed (the Actions job). */
  followUrl?: string;
  /** The web address of the GitHub server, for links (https://github.com). */
  serverUrl: string;
  /** Where run transcripts are kept (the App's clones are removed after each run). */
  transcriptDir?: string;
  /** Least time between two progress edits of the tracking comment. */
  progressIntervalMs?: number;
  /** Secrets the surface holds (the model key, the webhook secret): no run may send them, in any form. */
  knownSecrets?: readonly (string | undefined)[];
  /**
   * The key plans are MACed with, so `approve` can tell a plan we wrote from one rewritten by someone who
   * can edit our comments (plan-mac.ts). The App always has one; the Action only with `plan_secret`.
   */
  planKey?: Uint8Array;
  /** Told the report of every finished run (the Action's summary and outputs, metrics). */
  onReport?: (request: RunRequest, report: RunReport) => void;
  /** For downloads outside GitHub's API (a job's log, at the address GitHub redirects to); global fetch by default. */
  fetch?: typeof fetch;
  /** Where the run's timeline and report are kept for its page and the dashboard (the App). */
  runLog?: RunLog;
}
