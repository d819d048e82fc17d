import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { REPO_CONFIG_PATHS } from "../config/load-repo-config.js";
import { formatConfigError, parseRepoConfig } from "../config/parse-repo-config.js";
import type { CliIo } from "./io.js";
import { repoTopOrCwd } from "./scan-preflight.js";

export const EXIT_CONFIG_VALID = 0;
export const EXIT_CONFIG_INVALID = 1;
export const EXIT_CONFIG_UNREADABLE = 2;

/**
 * `patchwright config check [FILE]`: validates a repository config (default: `.github/patchwright.yml`, or
 * `.github/patchwright.yaml` when only that exists, at the top of the repository the command runs in). Prints `FILE: valid` (0), the one sentence saying
 * what is wrong (1), or why the file could not be read (2).
 */
export async function runConfigCheck(file: string | undefined, io: CliIo): Promise<number> {
  const candidates = file === undefined ? [...REPO_CONFIG_PATHS] : [file];
  // The repository's config, like `scan` finds it: from its top, wherever in it the command runs. A file
  // named on the command line is relative to the working folder.
  const root = file === undefined ? await repoTopOrCwd(io.cwd) : io.cwd;
  for (const [i, shown] of candidates.entries()) {
    let text: string;
    try {
      text = await readFile(resolve(root, shown), "utf8");
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "ENOENT" && i < candidates.length - 1) continue;
      // With neither default name present, name the usual one.
      const named = e.code === "ENOENT" ? candidates[0]! : shown;
      io.stderr.write(`patchwright: cannot read ${named}: ${reason(e)}\n`);
      return EXIT_CONFIG_UNREADABLE;
    }
    const result = parseRepoConfig(text, shown);
    if (!result.ok) {
      io.stdout.write(`${formatConfigError(result.error)}\n`);
      return EXIT_CONFIG_INVALID;
    }
    io.stdout.write(`${shown}: valid\n`);
    if (result.config.guard.forbiddenTerms.length > 0) {
      io.stderr.write(
        `warning: \`guard.forbiddenTerms\` lists internal names in plain text, which leaks them once the file ` +
          `is pushed; list them as hashes (patchwright hash-term) or pass them in PATCHWRIGHT_FORBIDDEN_TERMS\n`,
      );
    }
    return EXIT_CONFIG_VALID;
  }
  return EXIT_CONFIG_UNREADABLE; // not reached: the last candidate returns
}

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "it is a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return err.message;
  }
}
