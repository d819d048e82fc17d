import type { GuardConfig } from "../guard/config.js";
import type { Finding } from "../guard/finding.js";
import { scan } from "../guard/scan.js";
import { ScanError } from "../guard/scan-error.js";
import { git, GitError } from "./git.js";

export interface PushRequest {
  /** The worktree whose HEAD is pushed. */
  worktree: string;
  /** The remote's URL, without credentials. */
  remoteUrl: string;
  branch: string;
  /** Where the run started: the guard scans every commit from here to HEAD. */
  base: string;
  defaultBranch: string;
  protectedBranches?: readonly string[];
  /** An installation or workflow token; it goes in a header through git's environment, nowhere else. */
  token?: string;
  guard: GuardConfig;
}

export type PushResult =
  | { status: "pushed"; sha: string }
  | { status: "blocked"; findings: Finding[] }
  | { status: "refused"; reason: string };

/**
 * The only way a run's work leaves: never to the default or a protected branch, never forced, and only
 * after the leak guard has passed every commit in the range — if the guard cannot scan, nothing is pushed.
 */
export async function guardedPush(p: PushRequest): Promise<PushResult> {
  if (p.branch === p.defaultBranch || p.protectedBranches?.includes(p.branch)) {
    return {
      status: "refused",
      reason: `patchwright never pushes to ${p.branch}: it is the default or a protected branch.`,
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(p.remoteUrl)) {
    return {
      status: "refused",
      reason: "The remote URL carries credentials; patchwright sends them in a header instead.",
    };
  }
  let findings: Finding[];
  try {
    findings = (await scan({ mode: "git", range: `${p.base}..HEAD` }, { cwd: p.worktree, config: p.guard }))
      .findings;
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    return {
      status: "refused",
      reason: `Nothing was pushed: the leak guard could not scan the commits (${err.message}).`,
    };
  }
  if (findings.length > 0) return { status: "blocked", findings };

  const sha = (await git(p.worktree, ["rev-parse", "HEAD"])).trim();
  // The token travels as an HTTP header set through git's environment: not in the URL, not in the
  // arguments (visible to other processes), not in any config file.
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0" };
  if (p.token) {
    env["GIT_CONFIG_COUNT"] = "1";
    env["GIT_CONFIG_KEY_0"] = "http.extraHeader";
    env["GIT_CONFIG_VALUE_0"] =
      `Authorization: Basic ${Buffer.from(`x-access-token:${p.token}`).toString("base64")}`;
  }
  try {
    // No --force, no + in the refspec: a branch that moved on is a refusal, never an overwrite.
    await git(p.worktree, ["push", "--no-verify", p.remoteUrl, `HEAD:refs/heads/${p.branch}`], env);
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const said = scrub(err.stderr, p.token);
    const message = scrub(err.message, p.token);
    if (/protected branch|GH006/i.test(said)) {
      return { status: "refused", reason: `GitHub refused the push: ${p.branch} is protected.` };
    }
    if (/non-fast-forward|fetch first|\[rejected\]/i.test(said)) {
      return {
        status: "refused",
        reason: `The push was rejected: ${p.branch} has commits the run does not have, and patchwright never force-pushes.`,
      };
    }
    return { status: "refused", reason: `The push failed: ${message}` };
  }
  return { status: "pushed", sha };
}

function scrub(message: string, token: string | undefined): string {
  if (!token) return message;
  const encoded = Buffer.from(`x-access-token:${token}`).toString("base64");
  return message.split(token).join("[token]").split(encoded).join("[token]");
}
