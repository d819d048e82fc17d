import { z } from "zod";
import { isStatus } from "./errors.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

export const Branch = z.looseObject({ protected: z.boolean() });
export type Branch = z.infer<typeof Branch>;

/**
 * Whether GitHub protects `branch`, read for every push: a rule may let the App bypass protection, and
 * patchwright pushes to no protected branch even then. A branch that does not exist yet is not
 * protected; any other failure is thrown, so the push is refused rather than made blind.
 */
export async function isProtectedBranch(
  octokit: OctokitLike,
  repo: RepoRef,
  branch: string,
): Promise<boolean> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", {
      ...repo,
      branch,
    });
    return Branch.parse(data).protected;
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw err;
  }
}
