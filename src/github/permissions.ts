import { z } from "zod";
import { PermissionLevel } from "../request/permissions.js";
import { isStatus } from "./errors.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

export const CollaboratorPermission = z.looseObject({
  permission: z.string(),
  role_name: z.string().optional(),
});
export type CollaboratorPermission = z.infer<typeof CollaboratorPermission>;

/**
 * A user's permission on the repository. `permission` folds maintain into write and triage into read;
 * `role_name` keeps them apart, so it is preferred when it is one of the standard roles.
 */
export async function getCollaboratorPermission(
  octokit: OctokitLike,
  repo: RepoRef,
  username: string,
): Promise<PermissionLevel> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      ...repo,
      username,
    });
    const parsed = CollaboratorPermission.parse(data);
    const role = PermissionLevel.safeParse(parsed.role_name);
    if (role.success) return role.data;
    const permission = PermissionLevel.safeParse(parsed.permission);
    return permission.success ? permission.data : "none";
  } catch (err) {
    // 404: not a collaborator (or not a user at all): no permission, not an error.
    if (isStatus(err, 404)) return "none";
    throw err;
  }
}
