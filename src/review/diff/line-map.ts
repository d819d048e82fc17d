import { newEnd, type Hunk } from "./patch.js";

// GitHub takes an inline comment only on a line of the pull request's diff: for the new side (RIGHT), an
// added or unchanged line inside a hunk. Models cite lines a little off now and then, so a line just
// outside a hunk is moved into it; anything further goes to the summary rather than to a wrong line.

/** How many lines off a cited line may be and still be moved into the nearest hunk. */
export const SNAP_DISTANCE = 3;

/** The new-file lines a finding cites: one line, or `startLine` to `line`. */
export interface FindingLines {
  line: number;
  startLine?: number | undefined;
}

export type Placement =
  /** On the cited line (or range), which the diff shows. */
  | { kind: "exact"; line: number; startLine?: number }
  /** Moved to a line the diff shows: a single line, away from `from`. */
  | { kind: "snapped"; line: number; from: FindingLines }
  /** Not on or near the diff: belongs in the summary. */
  | { kind: "outside" };

/** The first and last new-side lines of each hunk that has any (deletion-only hunks have none). */
function rightRanges(hunks: readonly Hunk[]): { start: number; end: number }[] {
  return hunks.filter((h) => h.newLines > 0).map((h) => ({ start: h.newStart, end: newEnd(h) }));
}

/** Where a finding on `finding`'s lines can go in a diff with these hunks (those of its file). */
export function placeFinding(finding: FindingLines, hunks: readonly Hunk[]): Placement {
  const ranges = rightRanges(hunks);
  const { line, startLine } = finding;
  const valid = (n: number) => Number.isInteger(n) && n > 0;
  if (!valid(line) || (startLine !== undefined && !valid(startLine))) return { kind: "outside" };
  const rangeOf = (n: number) => ranges.find((r) => r.start <= n && n <= r.end);

  if (startLine !== undefined && startLine !== line) {
    const [first, last] = startLine < line ? [startLine, line] : [line, startLine];
    const range = rangeOf(last);
    if (!range) return { kind: "outside" };
    // A range across hunks (or starting before one) cannot be one comment: keep its last line.
    if (first >= range.start) return { kind: "exact", line: last, startLine: first };
    return { kind: "snapped", line: last, from: finding };
  }

  if (rangeOf(line)) return { kind: "exact", line };
  let best: { line: number; distance: number } | undefined;
  for (const r of ranges) {
    const target = line < r.start ? r.start : r.end;
    const distance = Math.abs(target - line);
    if (distance <= SNAP_DISTANCE && (!best || distance < best.distance)) best = { line: target, distance };
  }
  return best ? { kind: "snapped", line: best.line, from: finding } : { kind: "outside" };
}

/** A suggestion replaces exactly the cited lines, so it is only safe where the placement is exact. */
export function suggestionAllowed(placement: Placement): boolean {
  return placement.kind === "exact";
}

/** The text of new-file line `line` as the diff shows it (undefined if the diff does not show it). */
export function codeAt(hunks: readonly Hunk[], line: number): string | undefined {
  for (const hunk of hunks) {
    if (line < hunk.newStart || line > newEnd(hunk)) continue;
    return hunk.lines.find((l) => l.newLine === line)?.text;
  }
  return undefined;
}
