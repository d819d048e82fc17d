import type { ChunkFile, ChunkHunk, ReviewChunk } from "./chunk.js";
import type { HunkLine } from "./patch.js";

/** How to read a rendered chunk; belongs in the review prompt next to it. */
export const DIFF_LEGEND = [
  'Each file starts with "### path (status)"; each hunk with "@@ -old +new @@".',
  "Every line starts with its line number in the new file, then a marker: `+` added, a space unchanged,",
  "`-` removed (removed lines have no new-file number). Lines marked `|` above a hunk are unchanged code",
  "shown only for context, with `…` where lines were skipped. Cite new-file line numbers of `+` and",
  "unchanged lines inside hunks: only those can carry an inline comment.",
].join("\n");

const NUMBER_WIDTH = 6;

function number(n: number | undefined): string {
  return (n === undefined ? "" : String(n)).padStart(NUMBER_WIDTH);
}

const MARKER: Record<HunkLine["kind"], string> = { add: "+", del: "-", context: " " };

export function renderLine(line: HunkLine): string {
  return `${number(line.newLine)} ${MARKER[line.kind]} ${line.text}`;
}

export function renderFileHeader(file: Pick<ChunkFile, "path" | "previousPath" | "status">): string {
  const status =
    file.previousPath && file.previousPath !== file.path
      ? `${file.status} from ${file.previousPath}`
      : file.status;
  return `### ${file.path} (${status})`;
}

export function renderHunkHeader({ hunk, part }: Pick<ChunkHunk, "hunk" | "part">): string {
  const range = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
  const label = part ? ` (part ${part.index} of ${part.count} of a hunk too long for one call)` : "";
  return `${range}${hunk.header ? ` ${hunk.header}` : ""}${label}`;
}

function renderHunk(chunkHunk: ChunkHunk): string {
  const rows: string[] = [];
  const { context, hunk } = chunkHunk;
  if (context) {
    context.lines.forEach((text, i) => rows.push(`${number(context.startLine + i)} | ${text}`));
    if (context.startLine + context.lines.length < hunk.newStart) rows.push(`${number(undefined)} | …`);
  }
  rows.push(renderHunkHeader(chunkHunk));
  for (const line of hunk.lines) rows.push(renderLine(line));
  return rows.join("\n");
}

export function renderFile(file: ChunkFile): string {
  return [renderFileHeader(file), ...file.hunks.map(renderHunk)].join("\n");
}

/** The text of one model call's share of the diff. */
export function renderChunk(chunk: ReviewChunk): string {
  return chunk.files.map(renderFile).join("\n\n");
}
