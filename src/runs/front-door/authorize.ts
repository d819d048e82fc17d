import type { RepoConfig } from "../../config/schema.js";
import { createComment } from "../../github/guarded-comments.js";
import type { RepoRef } from "../../github/octokit-like.js";
import { getCollaboratorPermission } from "../../github/permissions.js";
import { atLeast } from "../../request/permissions.js";
import type { FrontDoorDeps, Resolved } from "./types.js";

/** Whether `login` has the access the config asks for to trigger runs. */
export async function authorized(
  deps: FrontDoorDeps,
  repo: RepoRef,
  login: string,
  config: RepoConfig,
): Promise<boolean> {
  const level = await getCollaboratorPermission(deps.octokit, repo, login);
  const ok = atLeast(level, config.permissions.minimum);
  if (!ok) deps.log.info("not authorised", { login, level, minimum: config.permissions.minimum });
  return ok;
}

/** Someone without access asked: a polite reply when the config wants one, else silence. */
export async function deny(
  deps: FrontDoorDeps,
  repo: RepoRef,
  number: number,
  login: string,
  config: RepoConfig,
): Promise<Resolved> {
  if (!config.permissions.replyToUnauthorized)
    return { status: "ignored", reason: `${login} may not trigger runs` };
  await createComment(
    deps.octokit,
    repo,
    number,
    `Thanks @${login} — patchwright runs only for people with ${config.permissions.minimum} access to this repository. A maintainer can ask it instead.`,
    config.guard,
  );
  return { status: "replied", reason: "not authorised" };
}
