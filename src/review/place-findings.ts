import { placeFinding, suggestionAllowed } from "./diff/line-map.js";
import type { Hunk } from "./diff/patch.js";
import type { Finding } from "./findings/finding.js";
import type { PlacedFinding } from "./post/publish.js";

export interface Placements {
  /** On a line of the diff: each may become an inline comment. */
  placed: PlacedFinding[];
  /** Not on or near the diff (or about a file it does not change): for the summary only. */
  outside: Finding[];
}

/**
 * Checks every finding's lines against the pull request's hunks before anything is posted: a finding on
 * a line of the diff stays, one a few lines off moves onto the diff (losing its suggestion, which would
 * replace the wrong lines), and the rest go to the summary.
 */
export function placeFindings(
  findings: readonly Finding[],
  hunksByPath: ReadonlyMap<string, Hunk[]>,
): Placements {
  const placed: PlacedFinding[] = [];
  const outside: Finding[] = [];
  for (const raw of findings) {
    const path = diffPath(raw.path, hunksByPath);
    const finding = { ...raw, path };
    const placement = placeFinding(finding, hunksByPath.get(path) ?? []);
    if (placement.kind === "outside") {
      outside.push(finding);
      continue;
    }
    // A moved finding is on one line: the range it cited is not where it now sits.
    const startLine = placement.kind === "exact" ? placement.startLine : undefined;
    placed.push({
      finding: { ...finding, line: placement.line, startLine },
      exactRange: suggestionAllowed(placement),
    });
  }
  return { placed, outside };
}

/** The diff's spelling of a path a model wrote as `./src/a.ts`, `/src/a.ts` or `b/src/a.ts`. */
function diffPath(path: string, hunksByPath: ReadonlyMap<string, Hunk[]>): string {
  if (hunksByPath.has(path)) return path;
  const candidates = [path.replace(/^\.?\/+/, ""), path.replace(/^[ab]\//, "")];
  return candidates.find((p) => hunksByPath.has(p)) ?? path;
}

const SCORE_CONTEXT_LINES = 3;

/** The lines a finding is about with a few around them, numbered, for the scoring pass. */
export function scoreContext(fileText: string | undefined, finding: Finding): string {
  if (fileText === undefined) return "(the file is not in the pull request's head)";
  const lines = fileText.split("\n");
  const first = Math.max(1, (finding.startLine ?? finding.line) - SCORE_CONTEXT_LINES);
  const last = Math.min(lines.length, finding.line + SCORE_CONTEXT_LINES);
  const rows: string[] = [];
  for (let n = first; n <= last; n++) rows.push(`${String(n).padStart(6)} ${lines[n - 1]}`);
  return rows.join("\n");
}
