import { z } from "zod";
import { PERMISSION_LEVELS } from "../config/schema.js";
import type { OctokitLike, RepoRef } from "../github/octokit-like.js";

export const PermissionLevel = z.enum(["none", ...PERMISSION_LEVELS]);
export type PermissionLevel = z.infer<typeof PermissionLevel>;

const RANK: Record<PermissionLevel, number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

const PermissionResponse = z.object({ permission: z.string(), role_name: z.string().optional() });

/**
 * A user's permission on the repository. `permission` folds maintain into write and triage into read;
 * `role_name` keeps them apart, so it is preferred when it is one of the standard roles.
 */
export async function getPermission(
  octokit: OctokitLike,
  repo: RepoRef,
  username: string,
): Promise<PermissionLevel> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      ...repo,
      username,
    });
    const parsed = PermissionResponse.parse(data);
    const role = PermissionLevel.safeParse(parsed.role_name);
    if (role.success) return role.data;
    const permission = PermissionLevel.safeParse(parsed.permission);
    return permission.success ? permission.data : "none";
  } catch (err) {
    // 404: not a collaborator (or not a user at all): no permission, not an error.
    if ((err as { status?: number }).status === 404) return "none";
    throw err;
  }
}

export function atLeast(level: PermissionLevel, minimum: PermissionLevel): boolean {
  return RANK[level] >= RANK[minimum];
}

/** A bot by type, or by the `[bot]` suffix GitHub reserves for apps (logins cannot contain brackets). */
export function isBot(account: { login: string; type?: string | undefined }): boolean {
  return account.type === "Bot" || account.login.toLowerCase().endsWith("[bot]");
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
