import { estimateTokens } from "../../agent/context/token-count.js";
import type { FileStatus } from "../../github/pull-files.js";
import { enclosingContext, type ContextLines } from "./context.js";
import type { DiffFile } from "./diff-file.js";
import type { NotReviewed } from "./not-reviewed.js";
import { newEnd, oldEnd, type Hunk } from "./patch.js";
import { renderChunk, renderFile, renderFileHeader, renderHunkHeader, renderLine } from "./render.js";
import { riskOf } from "./risk.js";

// Fits a diff into model calls of a fixed size. Whole files stay together where they fit; a file too big
// for one call is split by hunks, and a hunk too big by lines. Whatever does not fit in the allowed calls
// (lowest risk first, as files are taken in risk order) is named in `notReviewed`, never dropped quietly.

/** A hunk as sent: whole, or a run of its lines when it alone is more than one call holds. */
export interface ChunkHunk {
  hunk: Hunk;
  /** Unchanged lines above the hunk, up to its enclosing definition: context, not part of the diff. */
  context?: ContextLines;
  part?: { index: number; count: number };
}

export interface ChunkFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  hunks: ChunkHunk[];
}

/** What one model call reviews. */
export interface ReviewChunk {
  files: ChunkFile[];
  /** estimateTokens of renderChunk(this). */
  tokens: number;
}

export interface BudgetOptions {
  /** The most tokens of rendered diff one model call may take. */
  tokensPerCall: number;
  maxCalls: number;
  /** The head version of a file, to show each hunk's enclosing function; undefined if unavailable. */
  readFile?: (path: string) => Promise<string | undefined>;
}

export interface ReviewPlan {
  chunks: ReviewChunk[];
  notReviewed: NotReviewed[];
}

/** A piece that goes into one chunk whole: one file's hunks (all of them, or one, or part of one). */
interface Unit {
  file: DiffFile;
  hunks: ChunkHunk[];
  tokens: number;
}

/** Plans the model calls of a review of `files` (already filtered). */
export async function planReview(files: readonly DiffFile[], options: BudgetOptions): Promise<ReviewPlan> {
  const { tokensPerCall, maxCalls } = options;
  const chunks: { units: Unit[]; tokens: number }[] = [];
  const notReviewed: NotReviewed[] = [];

  const place = (unit: Unit): boolean => {
    if (unit.tokens > tokensPerCall) return false;
    const chunk = chunks.find((c) => c.tokens + unit.tokens <= tokensPerCall);
    if (chunk) {
      chunk.units.push(unit);
      chunk.tokens += unit.tokens;
    } else if (chunks.length < maxCalls) {
      chunks.push({ units: [unit], tokens: unit.tokens });
    } else {
      return false;
    }
    return true;
  };
  const leftOut = (unit: Unit, whole: boolean): NotReviewed => ({
    path: unit.file.path,
    reason: "budget",
    detail:
      unit.tokens > tokensPerCall && (whole ? chunks.length < maxCalls : true)
        ? `longer than one model call holds (about ${unit.tokens} tokens, ${tokensPerCall} per call)`
        : `past the review's budget of ${maxCalls} model call(s) of ${tokensPerCall} tokens`,
    ...(!whole && { lines: unitRange(unit) }),
  });

  for (const file of orderByRisk(files)) {
    if (file.status === "removed") {
      notReviewed.push({ path: file.path, reason: "deleted", detail: "deleted" });
      continue;
    }
    const reviewable: Hunk[] = [];
    for (const hunk of file.hunks) {
      if (hunk.lines.some((l) => l.kind === "add")) reviewable.push(hunk);
      else
        notReviewed.push({
          path: file.path,
          reason: "deletion-only",
          detail: "only removes lines",
          lines: { side: "old", start: hunk.oldStart, end: oldEnd(hunk) },
        });
    }
    if (reviewable.length === 0) continue;
    const withContext = await addContext(file, reviewable, options.readFile);
    const whole = unitOf(file, withContext);
    if (place(whole)) continue;
    // The file does not fit whole in any call left: place what of it can be, hunk by hunk.
    const units = withContext.flatMap((chunkHunk) => hunkUnits(file, chunkHunk, tokensPerCall));
    const missed = units.filter((unit) => !place(unit));
    if (missed.length === 0) continue;
    // When none of the file went in, one entry for it reads better than one per hunk.
    const placedAny = missed.length < units.length;
    notReviewed.push(...(placedAny ? missed.map((u) => leftOut(u, false)) : [leftOut(whole, true)]));
  }

  return {
    chunks: chunks.map(({ units }) => {
      const chunk: ReviewChunk = { files: groupByFile(units), tokens: 0 };
      chunk.tokens = estimateTokens(renderChunk(chunk));
      return chunk;
    }),
    notReviewed,
  };
}

/** Highest risk first; among equals, the most added lines first (more new code, more to get wrong). */
function orderByRisk(files: readonly DiffFile[]): DiffFile[] {
  const added = (f: DiffFile) =>
    f.hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === "add").length, 0);
  return files
    .map((file) => ({ file, risk: riskOf(file.path), added: added(file) }))
    .sort(
      (a, b) =>
        b.risk - a.risk ||
        b.added - a.added ||
        (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0),
    )
    .map((x) => x.file);
}

async function addContext(
  file: DiffFile,
  hunks: Hunk[],
  readFile: BudgetOptions["readFile"],
): Promise<ChunkHunk[]> {
  const source = readFile ? await readFile(file.path) : undefined;
  if (source === undefined) return hunks.map((hunk) => ({ hunk }));
  const fileLines = source.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  return hunks.map((hunk, i) => {
    const previous = hunks[i - 1];
    const context = enclosingContext(fileLines, hunk, previous ? newEnd(previous) : 0);
    return context ? { hunk, context } : { hunk };
  });
}

/** The chunks render each file's units together, so a unit's own rendering bounds its share. */
function unitOf(file: DiffFile, hunks: ChunkHunk[]): Unit {
  return { file, hunks, tokens: estimateTokens(renderFile({ ...fileHeader(file), hunks }) + "\n\n") };
}

function fileHeader(file: DiffFile): Omit<ChunkFile, "hunks"> {
  return {
    path: file.path,
    ...(file.previousPath !== undefined && { previousPath: file.previousPath }),
    status: file.status,
  };
}

/** One hunk as units that each fit a call if anything can: with its context, without, or in parts. */
function hunkUnits(file: DiffFile, chunkHunk: ChunkHunk, tokensPerCall: number): Unit[] {
  const withContext = unitOf(file, [chunkHunk]);
  if (withContext.tokens <= tokensPerCall) return [withContext];
  const bare = unitOf(file, [{ hunk: chunkHunk.hunk }]);
  if (bare.tokens <= tokensPerCall) return [bare];
  return splitHunk(chunkHunk.hunk, file, tokensPerCall).map((hunk, i, parts) =>
    unitOf(file, [{ hunk, part: { index: i + 1, count: parts.length } }]),
  );
}

/**
 * Consecutive runs of a hunk's lines, each within the budget with the headers around it (a line longer
 * than the budget on its own makes a run of one that does not fit, and is reported as such).
 */
function splitHunk(hunk: Hunk, file: DiffFile, tokensPerCall: number): Hunk[] {
  // The largest numbers a part's header could show, so the estimate holds for every part.
  const widest = { ...hunk, oldStart: oldEnd(hunk) + 1, newStart: newEnd(hunk) + 1 };
  const overhead = estimateTokens(
    `${renderFileHeader(fileHeader(file))}\n${renderHunkHeader({ hunk: widest, part: { index: 1e9, count: 1e9 } })}\n\n`,
  );
  const parts: Hunk[] = [];
  let oldNext = hunk.oldStart;
  let newNext = hunk.newStart;
  let current: Hunk | undefined;
  let tokens = 0;
  for (const line of hunk.lines) {
    const cost = estimateTokens(`${renderLine(line)}\n`);
    if (!current || tokens + cost > tokensPerCall) {
      current = {
        oldStart: oldNext,
        oldLines: 0,
        newStart: newNext,
        newLines: 0,
        header: hunk.header,
        lines: [],
      };
      parts.push(current);
      tokens = overhead;
    }
    current.lines.push(line);
    tokens += cost;
    if (line.kind !== "add") {
      current.oldLines++;
      oldNext++;
    }
    if (line.kind !== "del") {
      current.newLines++;
      newNext++;
    }
  }
  return parts;
}

/** Where a left-out unit sits: its new-side lines, or its old-side lines if it has none. */
function unitRange(unit: Unit): NonNullable<NotReviewed["lines"]> {
  const hunks = unit.hunks.map((h) => h.hunk);
  const first = hunks[0];
  const last = hunks.at(-1);
  if (!first || !last) throw new Error("a unit always holds a hunk");
  if (hunks.some((h) => h.newLines > 0)) return { side: "new", start: first.newStart, end: newEnd(last) };
  return { side: "old", start: first.oldStart, end: oldEnd(last) };
}

function groupByFile(units: Unit[]): ChunkFile[] {
  const byPath = new Map<string, ChunkFile>();
  for (const unit of units) {
    const entry = byPath.get(unit.file.path) ?? { ...fileHeader(unit.file), hunks: [] };
    entry.hunks.push(...unit.hunks);
    byPath.set(unit.file.path, entry);
  }
  for (const entry of byPath.values())
    entry.hunks.sort((a, b) => a.hunk.newStart - b.hunk.newStart || a.hunk.oldStart - b.hunk.oldStart);
  return [...byPath.values()];
}
