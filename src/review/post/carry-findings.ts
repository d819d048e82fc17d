/**
 * Findings only ever listed in the summary (off the diff, over the comment cap, refused by GitHub) have
 * no inline comment to outlive the next review, so the summary's marker carries them, each with the code
 * it was made on. A later review keeps one while that code is still in its file (the test "looks fixed"
 * applies to inline comments), moved to where the code now is, and drops it once the code or the file
 * is gone, or when the review reported it again (then the new one stands).
 */
import { z } from "zod";
import type { GuardConfig } from "../../guard/config.js";
import { scanText } from "../../guard/scan.js";
import { Category, MAX_TITLE_CHARS, Severity, compareSeverity, type Finding } from "../findings/finding.js";
import { contextRange, distinctive, normaliseCode } from "./fingerprint.js";
import { locateCode, type FixedFinding } from "./looks-fixed.js";

export const CarriedFinding = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  path: z.string().min(1),
  line: z.number().int().positive(),
  startLine: z.number().int().positive().optional(),
  severity: Severity,
  category: Category,
  title: z.string().min(1).max(MAX_TITLE_CHARS),
  body: z.string(),
  /** The code the finding is about, normalised as its fingerprint reads it. */
  code: z.array(z.string()),
  /** The line that code starts on. */
  codeLine: z.number().int().positive(),
});
export type CarriedFinding = z.infer<typeof CarriedFinding>;

// The marker shares the summary comment's 65,536 characters with the visible text (which shows the same
// findings): bounded per finding and in all, the rest are shown this once but not carried.
const MAX_BODY_CHARS = 2_000;
const MAX_CODE_LINES = 20;
const MAX_ENTRY_CHARS = 6_000;
export const MAX_CARRIED_CHARS = 20_000;

/** A summary-only finding as the marker keeps it; undefined when its file is not at the head. */
export function toCarried(
  finding: Finding,
  fingerprint: string,
  fileText: string | undefined,
): CarriedFinding | undefined {
  if (fileText === undefined) return undefined;
  const lines = fileText.split("\n");
  const { from, to } = contextRange(lines, finding.startLine ?? finding.line, finding.line);
  let codeLine = from;
  while (codeLine < to && (lines[codeLine - 1] ?? "").trim() === "") codeLine++;
  const body = finding.body.trim();
  return {
    fingerprint,
    path: finding.path,
    line: finding.line,
    ...(finding.startLine !== undefined && { startLine: finding.startLine }),
    severity: finding.severity,
    category: finding.category,
    title: finding.title,
    body: body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}…` : body,
    code: normaliseCode(lines.slice(from - 1, to).join("\n"))
      .split("\n")
      .filter(Boolean)
      .slice(0, MAX_CODE_LINES),
    codeLine,
  };
}

export function fromCarried(c: CarriedFinding): Finding {
  return {
    path: c.path,
    line: c.line,
    ...(c.startLine !== undefined && { startLine: c.startLine }),
    severity: c.severity,
    category: c.category,
    title: c.title,
    body: c.body || "(no explanation)",
  };
}

/**
 * The carried findings still standing at the new head, moved with their code, and those that look
 * fixed. `skip` holds the fingerprints this review reported or posted inline: those are dropped as they
 * are listed already. Each file is read once.
 */
export async function carryOver(
  previous: readonly CarriedFinding[],
  readFile: (path: string) => Promise<string | undefined>,
  skip: ReadonlySet<string>,
): Promise<{ kept: CarriedFinding[]; fixed: FixedFinding[] }> {
  const kept: CarriedFinding[] = [];
  const fixed: FixedFinding[] = [];
  const seen = new Set(skip);
  for (const c of previous) {
    if (seen.has(c.fingerprint)) continue;
    seen.add(c.fingerprint);
    const text = await readFile(c.path);
    const gone = (why: FixedFinding["why"]) =>
      fixed.push({ fingerprint: c.fingerprint, path: c.path, title: c.title, why });
    if (text === undefined) {
      gone("file gone");
      continue;
    }
    // Code too plain to recognise: no verdict either way, so it stays where it was.
    if (!distinctive(c.code.join("\n"))) {
      kept.push(c);
      continue;
    }
    const starts = locateCode(text, c.code);
    if (starts.length === 0) {
      gone("code changed");
      continue;
    }
    const to = starts.reduce((a, b) => (Math.abs(b - c.codeLine) < Math.abs(a - c.codeLine) ? b : a));
    const shift = to - c.codeLine;
    kept.push({
      ...c,
      line: Math.max(1, c.line + shift),
      ...(c.startLine !== undefined && { startLine: Math.max(1, c.startLine + shift) }),
      codeLine: to,
    });
  }
  return { kept, fixed };
}

/**
 * What the marker keeps: the most severe first, within the size budget, and nothing the leak guard
 * objects to (a flagged marker would cost the whole summary its state).
 */
export function withinBudget(entries: readonly CarriedFinding[], guard: GuardConfig): CarriedFinding[] {
  const ordered = [...entries].sort((a, b) => compareSeverity(a.severity, b.severity));
  const out: CarriedFinding[] = [];
  let total = 0;
  for (const entry of ordered) {
    const size = markerLength(entry) + 1;
    if (size > MAX_ENTRY_CHARS || total + size > MAX_CARRIED_CHARS || flagged(entry, guard)) continue;
    out.push(entry);
    total += size;
  }
  return out;
}

/** The characters carried findings add to the summary's marker. */
export function carriedChars(entries: readonly CarriedFinding[]): number {
  return entries.length === 0 ? 0 : markerLength(entries) + 20;
}

/** Its length in the marker, where `<` and `>` are escaped (six characters each). */
function markerLength(value: unknown): number {
  return JSON.stringify(value).replace(/[<>]/g, "\\u003c").length;
}

function flagged(entry: CarriedFinding, guard: GuardConfig): boolean {
  try {
    return scanText(JSON.stringify(entry), guard).length > 0;
  } catch {
    return true;
  }
}
