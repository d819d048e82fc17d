import { createHash } from "node:crypto";

/**
 * A finding's identity for baselines: rule, path and the matched value, but not the line or the commit,
 * so that moving a line, or meeting the same secret in history and in the tree, keeps the fingerprint.
 * The value is hashed, never stored.
 */
export function fingerprint(ruleId: string, path: string, match: string): string {
  return createHash("sha256").update(`${ruleId}\0${path}\0${match}`).digest("hex").slice(0, 32);
}
