import type { ChangedFile, FileStatus } from "../../github/pull-files.js";
import type { NotReviewed } from "./not-reviewed.js";
import { parsePatch, PatchParseError, type Hunk } from "./patch.js";

/** A changed file with its parsed hunks: what the filters, the budget and the line mapping work on. */
export interface DiffFile {
  path: string;
  previousPath?: string;
  status: FileStatus;
  hunks: Hunk[];
}

export interface ParsedFiles {
  files: DiffFile[];
  notReviewed: NotReviewed[];
}

/** Parses each file's patch; a file without a usable one is named in `notReviewed`, with why. */
export function parseChangedFiles(changed: readonly ChangedFile[]): ParsedFiles {
  const files: DiffFile[] = [];
  const notReviewed: NotReviewed[] = [];
  for (const file of changed) {
    const path = file.filename;
    if (file.patch === undefined || file.patch === "") {
      notReviewed.push({ path, ...withoutPatch(file) });
      continue;
    }
    let hunks: Hunk[];
    try {
      hunks = parsePatch(file.patch);
    } catch (err) {
      if (!(err instanceof PatchParseError)) throw err;
      notReviewed.push({
        path,
        reason: "unparseable",
        detail: `its diff could not be read (${err.message})`,
      });
      continue;
    }
    files.push({
      path,
      ...(file.previous_filename !== undefined && { previousPath: file.previous_filename }),
      status: file.status,
      hunks,
    });
  }
  return { files, notReviewed };
}

function withoutPatch(file: ChangedFile): Pick<NotReviewed, "reason" | "detail"> {
  if (file.status === "removed") return { reason: "deleted", detail: "deleted" };
  if (file.changes > 0)
    return { reason: "no-diff", detail: "binary or too large: no diff from GitHub or the clone" };
  if ((file.status === "renamed" || file.status === "copied") && file.previous_filename)
    return {
      reason: "no-text-change",
      detail: `${file.status} from \`${file.previous_filename}\` without changed lines`,
    };
  if (file.status === "changed" || file.status === "unchanged")
    return { reason: "no-text-change", detail: "no changed lines (a mode or metadata change)" };
  return { reason: "no-diff", detail: "binary or too large: GitHub shows no diff for it" };
}
