import { z } from "zod";

export const Severity = z.enum(["critical", "major", "minor", "nit"]);
export type Severity = z.infer<typeof Severity>;

export const Category = z.enum([
  "bug",
  "security",
  "performance",
  "correctness",
  "maintainability",
  "style",
  "docs",
  "test",
]);
export type Category = z.infer<typeof Category>;

export const MAX_TITLE_CHARS = 100;

/** One problem the review found, anchored on the new side of the diff. */
export const Finding = z
  .object({
    path: z.string().min(1).describe("The file's path in the repository, as in the diff."),
    line: z
      .number()
      .int()
      .positive()
      .describe("The line on the new side of the diff the finding is about (the last line of a range)."),
    startLine: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The first line of a range on the new side; leave out for a single line."),
    severity: Severity.describe(
      "critical: breaks or endangers production; major: a real bug or risk; minor: worth fixing; nit: cosmetic.",
    ),
    category: Category,
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).describe("The problem in a few words."),
    body: z.string().trim().min(1).describe("Why it is a problem and how to fix it, briefly."),
    suggestion: z
      .string()
      .optional()
      .describe("Replacement text for the lines startLine..line (or line), exactly as they should read."),
  })
  .refine((f) => f.startLine === undefined || f.startLine <= f.line, {
    message: "startLine must not be after line",
    path: ["startLine"],
  });
export type Finding = z.infer<typeof Finding>;

export const FileNote = z.object({
  path: z.string().min(1),
  note: z.string().trim().min(1).describe("What changed in this file, in a sentence or two."),
});
export type FileNote = z.infer<typeof FileNote>;

/** What the review model hands back: a walkthrough and the findings. */
export const FindingsReport = z.object({
  summary: z.string().describe("What the change does, in a short paragraph."),
  files: z.array(FileNote).describe("A short note per changed file."),
  findings: z.array(Finding).describe("Real problems only: no praise, no 'looks good'."),
});
export type FindingsReport = z.infer<typeof FindingsReport>;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, nit: 3 };

/** Negative when `a` is more severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/** The findings `review.requestChanges` blocks on. */
export function isBlocking(severity: Severity): boolean {
  return severity === "critical" || severity === "major";
}
