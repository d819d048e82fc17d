import { z } from "zod";

/** Where in the outbound material a finding sits. */
export const Where = z.enum(["file", "message", "author", "branch", "text", "package"]);
export type Where = z.infer<typeof Where>;

/** One thing the guard refuses to let out. `redacted` is all that is ever shown of the match. */
export const Finding = z.object({
  ruleId: z.string(),
  message: z.string(),
  path: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  commit: z.string().optional(),
  where: Where,
  redacted: z.string(),
  fingerprint: z.string(),
});
export type Finding = z.infer<typeof Finding>;

export const ScanStats = z.object({
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
});
export type ScanStats = z.infer<typeof ScanStats>;

export const ScanReport = z.object({
  findings: z.array(Finding),
  stats: ScanStats,
});
export type ScanReport = z.infer<typeof ScanReport>;
