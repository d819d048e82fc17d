import { git } from "../workspace/git.js";
import { readConfinedFile } from "../guard/sources/read-confined.js";
import type { LocalPatch } from "./diff/changed-files.js";

/**
 * A file's text at the pull request's head, read from the checkout; undefined when it is not there. A
 * path that leaves the checkout (a symbolic link in the pull request pointing at the host's files) reads
 * as absent: what the model and the comments see comes from the repository only. So does anything but a
 * regular file, and of a file over MAX_REVIEWED_FILE_BYTES only the beginning is read (a pull request can
 * hold gigabytes of zeros, compressed to a few megabytes). Each file is read once.
 */
export function checkoutReader(checkout: string): (path: string) => Promise<string | undefined> {
  const cache = new Map<string, Promise<string | undefined>>();
  return (path) => {
    let text = cache.get(path);
    if (!text) {
      text = read(checkout, path);
      cache.set(path, text);
    }
    return text;
  };
}

/** The most bytes read of one file of the checkout. */
export const MAX_REVIEWED_FILE_BYTES = 4 * 1024 * 1024;

async function read(checkout: string, path: string): Promise<string | undefined> {
  const file = await readConfinedFile(checkout, path, {
    maxBytes: MAX_REVIEWED_FILE_BYTES,
    overLimit: "truncate",
  });
  return file.ok ? file.text : undefined;
}

const HUNK_START = /^@@ /m;
const NEW_SIDE_GONE = /^\+\+\+ \/dev\/null$/m;

/**
 * One file's diff from the checkout, hunks only like GitHub's `patch`; undefined for a binary file or
 * when git cannot tell (a commit not fetched). No external diff tools or text conversions run: their
 * configuration could come from the repository.
 */
export function checkoutPatch(checkout: string): LocalPatch {
  return async ({ path, previousPath, base, head }) => {
    const paths = previousPath !== undefined && previousPath !== path ? [previousPath, path] : [path];
    let out: string;
    try {
      out = await git(checkout, [
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--find-renames",
        `${base}...${head}`,
        "--",
        ...paths,
      ]);
    } catch {
      return undefined;
    }
    // A rename git does not pair up comes as a deletion and an addition: the file is the one that exists.
    const sections = out.split(/^(?=diff --git )/m).filter((s) => s.startsWith("diff --git "));
    const section = sections.find((s) => !NEW_SIDE_GONE.test(s)) ?? sections[0];
    const start = section === undefined ? undefined : HUNK_START.exec(section)?.index;
    return start === undefined ? undefined : section!.slice(start);
  };
}
