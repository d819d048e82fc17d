/**
 * Which earlier findings look fixed at the new head: the code they were made on is no longer in the
 * file. Only a hint ("looks fixed"): the code may have moved elsewhere, or been fixed differently.
 */
import { distinctive, normaliseCode } from "./fingerprint.js";
import type { PostedFinding } from "./post-review.js";
import { readCommentTitle } from "./review-comment.js";

export interface FixedFinding {
  fingerprint: string;
  path: string;
  title: string;
  /** Its inline comment; a finding only ever listed in the summary has none. */
  url?: string;
  why: "file gone" | "code changed";
}

/**
 * The lines a comment was made on, from its diff hunk (which ends at the commented line): the last
 * new-side lines, as many as the comment spans.
 */
export function commentedCode(posted: PostedFinding): string {
  const end = posted.originalLine ?? posted.line ?? 1;
  const start = posted.originalStartLine ?? posted.startLine ?? end;
  const count = Math.max(1, end - start + 1);
  const newSide = posted.diffHunk
    .split("\n")
    .slice(1)
    .filter((l) => !l.startsWith("-") && !l.startsWith("\\"));
  return newSide
    .slice(-count)
    .map((l) => l.slice(1))
    .join("\n");
}

/**
 * Where `code` (normalised lines, as `normaliseCode` gives them) is in a file, blank lines ignored: the
 * file line each match starts on, in order.
 */
export function locateCode(fileText: string, code: readonly string[]): number[] {
  const rows = fileText
    .split("\n")
    .map((text, i) => ({ text: normaliseCode(text), line: i + 1 }))
    .filter((r) => r.text !== "");
  const starts: number[] = [];
  if (code.length === 0) return starts;
  for (let i = 0; i + code.length <= rows.length; i++) {
    if (code.every((line, j) => rows[i + j]!.text === line)) starts.push(rows[i]!.line);
  }
  return starts;
}

/**
 * The earlier findings whose code is gone from the file at the new head. `stillFound` holds the
 * fingerprints this run found again: those are not fixed, whatever the text says. Each file is read once.
 */
export async function looksFixed(
  earlier: PostedFinding[],
  readFile: (path: string) => Promise<string | undefined>,
  stillFound: ReadonlySet<string>,
): Promise<FixedFinding[]> {
  const files = new Map<string, Promise<string | undefined>>();
  const fixed: FixedFinding[] = [];
  const seen = new Set(stillFound);
  for (const posted of earlier) {
    if (seen.has(posted.fingerprint)) continue;
    seen.add(posted.fingerprint);
    const code = normaliseCode(commentedCode(posted)).split("\n").filter(Boolean);
    // Code too plain to recognise: no verdict either way.
    if (!distinctive(code.join("\n"))) continue;
    if (!files.has(posted.path)) files.set(posted.path, readFile(posted.path));
    const text = await files.get(posted.path)!;
    if (text !== undefined && locateCode(text, code).length > 0) continue;
    fixed.push({
      fingerprint: posted.fingerprint,
      path: posted.path,
      title: readCommentTitle(posted.body) ?? "an earlier finding",
      url: posted.url,
      why: text === undefined ? "file gone" : "code changed",
    });
  }
  return fixed;
}
