import type { FileStatus } from "../../github/pull-files.js";
import type { ContextLines } from "./context.js";
import type { Hunk } from "./patch.js";

// The shape of the diff as sent to the model: the budget plans these, the renderer writes them out.

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
