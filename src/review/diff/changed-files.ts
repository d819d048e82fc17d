import type { ChangedFile } from "../../github/pull-files.js";

export interface LocalPatchRequest {
  path: string;
  previousPath?: string;
  /** The diff is `base...head`, as GitHub's. */
  base: string;
  head: string;
}

/** The diff of one file from a clone (`git diff`), hunks only like GitHub's `patch`; undefined if binary. */
export type LocalPatch = (request: LocalPatchRequest) => Promise<string | undefined>;

export interface PatchSources {
  base: string;
  head: string;
  /** The comparison of the same commits, asked once and only if a file needs it. */
  compare?: () => Promise<ChangedFile[]>;
  localPatch?: LocalPatch;
}

/**
 * Fills in the patches GitHub left out of a file list, from the comparison first and then the clone.
 * Files without changed lines (binary files, pure renames) have nothing to recover and are left as they
 * are; so is anything no source could supply.
 */
export async function fillMissingPatches(
  files: ChangedFile[],
  sources: PatchSources,
): Promise<ChangedFile[]> {
  const needsPatch = (f: ChangedFile) => f.patch === undefined && f.changes > 0;
  if (!files.some(needsPatch)) return files;
  const compared = sources.compare ? await sources.compare() : [];
  const fromCompare = new Map(
    compared.filter((f) => f.patch !== undefined).map((f) => [f.filename, f.patch]),
  );
  // One at a time: each clone lookup may start a git process, and such files are few.
  const filled: ChangedFile[] = [];
  for (const file of files) {
    const patch = needsPatch(file)
      ? (fromCompare.get(file.filename) ?? (await sources.localPatch?.(localRequest(file, sources))))
      : file.patch;
    filled.push(patch === undefined ? file : { ...file, patch });
  }
  return filled;
}

function localRequest(file: ChangedFile, { base, head }: PatchSources): LocalPatchRequest {
  return {
    path: file.filename,
    ...(file.previous_filename !== undefined && { previousPath: file.previous_filename }),
    base,
    head,
  };
}
