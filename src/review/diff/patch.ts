import { z } from "zod";

// GitHub's `patch` field is a unified diff of one file without the `diff --git`/`---`/`+++` headers: only
// hunks. The format is small enough that a parser we can read beats a dependency that expects full diffs.

export const HunkLine = z.object({
  kind: z.enum(["add", "del", "context"]),
  text: z.string(),
  /** The line's number in the old file (removed and context lines). */
  oldLine: z.number().int().positive().optional(),
  /** The line's number in the new file (added and context lines): where a review comment can go. */
  newLine: z.number().int().positive().optional(),
});
export type HunkLine = z.infer<typeof HunkLine>;

export const Hunk = z.object({
  oldStart: z.number().int().nonnegative(),
  oldLines: z.number().int().nonnegative(),
  newStart: z.number().int().nonnegative(),
  newLines: z.number().int().nonnegative(),
  /** The text after the second `@@`: git's guess at the enclosing function, often empty. */
  header: z.string(),
  lines: z.array(HunkLine),
});
export type Hunk = z.infer<typeof Hunk>;

export class PatchParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchParseError";
  }
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Parses the hunks of one file's patch; throws PatchParseError when the counts and the lines disagree. */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  // The hunk being read and how many of its old and new lines are still to come.
  let open: { hunk: Hunk; oldLeft: number; newLeft: number; oldNext: number; newNext: number } | undefined;
  const rows = patch.split("\n");
  for (const [index, raw] of rows.entries()) {
    const row = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!open || (open.oldLeft === 0 && open.newLeft === 0)) {
      const m = HUNK_HEADER.exec(row);
      if (m) {
        const hunk: Hunk = {
          oldStart: Number(m[1]),
          oldLines: m[2] === undefined ? 1 : Number(m[2]),
          newStart: Number(m[3]),
          newLines: m[4] === undefined ? 1 : Number(m[4]),
          header: m[5] ?? "",
          lines: [],
        };
        hunks.push(hunk);
        open = {
          hunk,
          oldLeft: hunk.oldLines,
          newLeft: hunk.newLines,
          oldNext: hunk.oldStart,
          newNext: hunk.newStart,
        };
        continue;
      }
      // "\ No newline at end of file" follows the last line of a hunk; a final newline leaves an empty row.
      if ((open && row.startsWith("\\")) || (row === "" && index === rows.length - 1)) continue;
      throw new PatchParseError(
        `line ${index + 1}: expected a hunk header, got ${JSON.stringify(row.slice(0, 40))}`,
      );
    }
    const sign = row[0];
    const text = row.slice(1);
    if (sign === "\\") continue;
    if (sign === "+" && open.newLeft > 0) {
      open.hunk.lines.push({ kind: "add", text, newLine: open.newNext++ });
      open.newLeft--;
    } else if (sign === "-" && open.oldLeft > 0) {
      open.hunk.lines.push({ kind: "del", text, oldLine: open.oldNext++ });
      open.oldLeft--;
    } else if ((sign === " " || sign === undefined) && open.oldLeft > 0 && open.newLeft > 0) {
      // An empty row inside a hunk is a blank context line whose leading space was stripped on the way.
      open.hunk.lines.push({ kind: "context", text, oldLine: open.oldNext++, newLine: open.newNext++ });
      open.oldLeft--;
      open.newLeft--;
    } else {
      throw new PatchParseError(
        `line ${index + 1}: ${JSON.stringify(row.slice(0, 40))} does not fit the hunk ` +
          `(${open.oldLeft} old and ${open.newLeft} new lines left)`,
      );
    }
  }
  if (open && (open.oldLeft > 0 || open.newLeft > 0))
    throw new PatchParseError(
      `the patch ends ${open.oldLeft} old and ${open.newLeft} new lines short of its last hunk`,
    );
  return hunks;
}

/** The last new-file line a hunk covers (newStart - 1 when it adds nothing). */
export function newEnd(hunk: Hunk): number {
  return hunk.newStart + hunk.newLines - 1;
}

/** The last old-file line a hunk covers (oldStart - 1 when it removes nothing). */
export function oldEnd(hunk: Hunk): number {
  return hunk.oldStart + hunk.oldLines - 1;
}
