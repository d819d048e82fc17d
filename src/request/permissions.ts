import { z } from "zod";
import { PERMISSION_LEVELS } from "../config/schema.js";

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
