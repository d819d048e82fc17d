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
  url: string;
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

function contains(haystack: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((line, j) => haystack[i + j] === line)) return true;
  }
  return false;
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
    const lines = text === undefined ? undefined : normaliseCode(text).split("\n");
    if (lines !== undefined && contains(lines, code)) continue;
    fixed.push({
      fingerprint: posted.fingerprint,
      path: posted.path,
      title: readCommentTitle(posted.body) ?? "an earlier finding",
      url: posted.url,
      why: lines === undefined ? "file gone" : "code changed",
    });
  }
  return fixed;
}
