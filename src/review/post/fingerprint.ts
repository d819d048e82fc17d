/**
 * A finding's identity across runs: its file, what it says, and the code it is about, but not its
 * line number, so it survives lines moving above it. Each inline comment carries it, hidden.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { hiddenMarker } from "../../github/markers.js";
import type { Finding } from "../findings/finding.js";

/** Lowercase, digits removed (counts and line numbers in titles vary), whitespace collapsed. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\d+/g, "").replace(/\s+/g, " ").trim();
}

/** Each line trimmed, blank lines dropped: re-indenting or reflowing does not change the code's identity. */
export function normaliseCode(code: string): string {
  return code
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

/** Code too plain to recognise on its own (a lone brace, a blank line). */
export function distinctive(code: string): boolean {
  return (code.match(/[\p{L}\p{N}]/gu) ?? []).length >= 3;
}

/**
 * The code a finding is about, from the file at the reviewed head: the commented line(s), and one
 * line either side only when they are too plain on their own. Not always ±1: an edit next to a
 * finding (common in a follow-up push) would change its fingerprint and post it again.
 */
export function codeContext(fileText: string, startLine: number, line: number): string {
  const lines = fileText.split("\n");
  const { from, to } = contextRange(lines, startLine, line);
  return lines.slice(from - 1, to).join("\n");
}

/** The 1-based lines `codeContext` takes (`to` may pass the end of the file). */
export function contextRange(
  lines: readonly string[],
  startLine: number,
  line: number,
): { from: number; to: number } {
  const own = lines.slice(Math.max(0, startLine - 1), line).join("\n");
  if (distinctive(own)) return { from: Math.max(1, startLine), to: line };
  return { from: Math.max(1, startLine - 1), to: Math.min(lines.length, line + 1) };
}

export function fingerprint(finding: Pick<Finding, "path" | "title" | "category">, context: string): string {
  return createHash("sha256")
    .update(
      [finding.path, normaliseText(`${finding.category} ${finding.title}`), normaliseCode(context)].join(
        "\0",
      ),
    )
    .digest("hex")
    .slice(0, 16);
}

const fingerprintMarker = hiddenMarker({
  kind: "finding",
  payload: z.string().regex(/^[0-9a-f]{16}$/),
  encoding: { as: "text", pattern: "[0-9a-f]{16}" },
  place: "end",
});

export function renderFingerprint(fp: string): string {
  return fingerprintMarker.render(fp);
}

/** The fingerprint a comment of ours ends with; one quoted earlier in the text does not count. */
export function readFingerprint(body: string | null | undefined): string | undefined {
  return fingerprintMarker.read(body);
}
