/** What a review is asked to do, with what, and the defaults of what it may spend. */
import type { ModelClient } from "../agent/model-types.js";
import type { RepoConfig } from "../config/schema.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";

export interface ReviewPull {
  number: number;
  baseSha: string;
  headSha: string;
  /** The pull request's `changed_files`: tells a list of exactly 3000 files from a truncated one. */
  changedFiles?: number;
  title: string;
  body: string;
}

export interface ReviewInput {
  repo: RepoRef;
  pull: ReviewPull;
  config: RepoConfig["review"];
  guard: RepoConfig["guard"];
  /** An on-demand `/review`: the whole diff, paused or not. Otherwise only what changed since the last review. */
  full: boolean;
  /** The run's limits (the config's `limits`); the defaults when left out. */
  limits?: RepoConfig["limits"];
  /** The config's `agent` settings: extra permission rules, environment names, network, command time. */
  agent?: RepoConfig["agent"];
}

export interface ReviewDeps {
  octokit: OctokitLike;
  model: ModelClient;
  modelName: string;
  /** The cheaper model of the scoring pass. */
  scoringModel?: string;
  botLogin: string;
  /** A git checkout of the pull request's head, with its base commit fetched too. */
  checkout: string;
  signal?: AbortSignal;
  now?: () => number;
  /** The most tokens of rendered diff one model call gets. */
  tokensPerCall?: number;
  /** The most reviewer agents (model calls of diff) one review runs. */
  maxCalls?: number;
  /** How many reviewer agents run at once. */
  concurrency?: number;
  /** Where the reviewer's commands take PATH and LANG from (scrubbed of everything else). */
  env?: NodeJS.ProcessEnv;
  commandTimeoutMs?: number;
}

export const REVIEW_DEFAULTS = {
  scoringModel: "claude-haiku-4-5",
  tokensPerCall: 60_000,
  maxCalls: 8,
  concurrency: 3,
  /** Turns of one reviewer agent: reading a few files, then the report. */
  maxTurns: 15,
  /** Output tokens of one answer: a report on many files is long. */
  maxTokens: 16_384,
  commandTimeoutMs: 60_000,
} as const;

/** A file's text at the pull request's head; undefined when it is not there. */
export type ReadHeadFile = (path: string) => Promise<string | undefined>;
