import { z } from "zod";

/** Where in the outbound material a finding sits. */
export const Where = z.enum(["file", "message", "author", "branch", "tag", "note", "text", "package"]);
export type Where = z.infer<typeof Where>;

/**
 * How bad the finding is if it is real: `error` a secret or an internal name, `warning` a policy (a
 * committed dotenv file), `note` a matter of style (AI attribution). SARIF's levels, by design.
 */
export const Severity = z.enum(["error", "warning", "note"]);
export type Severity = z.infer<typeof Severity>;

/**
 * How sure the guard is that the value is what the rule says: `high` a checksum or key material that
 * verifies, a vendor format nothing else has; `medium` a provider's token format; `low` a random-looking
 * value under a secret-looking name. What blocks does not depend on it.
 */
export const Confidence = z.enum(["high", "medium", "low"]);
export type Confidence = z.infer<typeof Confidence>;

/** One thing the guard refuses to let out. `redacted` is all that is ever shown of the match. */
export const Finding = z.object({
  ruleId: z.string(),
  message: z.string(),
  path: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  commit: z.string().optional(),
  where: Where,
  severity: Severity,
  confidence: Confidence,
  redacted: z.string(),
  fingerprint: z.string(),
});
export type Finding = z.infer<typeof Finding>;

/**
 * Why a file was not scanned, or only in part: `binary` content (only its printable runs were scanned,
 * with the high-confidence rules), a `symlink` not followed, a `special` file (FIFO, socket, device) never
 * opened. Each is listed in every output, never skipped silently. There is no "too large" (files are read
 * in blocks, whatever their size) and no "unreadable": a file that cannot be read stops the scan.
 */
export const SkipReason = z.enum(["binary", "symlink", "special"]);
export type SkipReason = z.infer<typeof SkipReason>;

export const SkippedFile = z.object({
  path: z.string(),
  commit: z.string().optional(),
  reason: SkipReason,
  /** One sentence: what was and was not scanned. */
  detail: z.string(),
});
export type SkippedFile = z.infer<typeof SkippedFile>;

export const ScanStats = z.object({
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
  /** How many files are listed in `skipped` (absent in reports from before the list existed). */
  skipped: z.number().int().nonnegative().optional(),
});
export type ScanStats = z.infer<typeof ScanStats>;

export const ScanReport = z.object({
  /** What blocks: any one of them fails the scan, a push, a check. */
  findings: z.array(Finding),
  /** What the config asks to be reported without blocking (a policy set to `warn`). */
  advisories: z.array(Finding).default(() => []),
  /** The files not scanned, or scanned only in part, and why (absent in reports from before the list existed). */
  skipped: z.array(SkippedFile).optional(),
  stats: ScanStats,
});
export type ScanReport = z.infer<typeof ScanReport>;
