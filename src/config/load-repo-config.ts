import { parseRepoConfig, type ConfigError } from "./parse-repo-config.js";
import { RepoConfig } from "./schema.js";

/** Where the config lives, in the order they are tried. */
export const REPO_CONFIG_PATHS = [".github/patchwright.yml", ".github/patchwright.yaml"] as const;

/** What stands at a path of the repository: a file's bytes, or why there are none to read. */
export type RepoFile =
  | { kind: "file"; bytes: Uint8Array }
  /** A file GitHub sends without its content (over 1 MB). */
  | { kind: "too large" }
  | { kind: "folder" }
  /** A submodule or a symlink, by GitHub's name for it. */
  | { kind: "other"; type: string };

/**
 * Reads one path of the repository at the ref the config is read from; undefined when nothing is there.
 * Other failures are thrown.
 */
export type ReadRepoFile = (path: string) => Promise<RepoFile | undefined>;

export type LoadResult =
  { ok: true; config: RepoConfig; source: "file" | "default" } | { ok: false; error: ConfigError };

/**
 * Reads and validates the repository's config, or the defaults when there is none.
 *
 * Callers read the DEFAULT branch, never a pull request's head: the config decides who may start runs
 * and what the agent may touch, and a pull request's head is written by whoever opened it, possibly a
 * stranger from a fork. Config changes take effect once they are merged.
 *
 * Errors `read` throws are thrown on for the caller to report.
 */
export async function loadRepoConfig(
  read: ReadRepoFile,
  paths: readonly string[] = REPO_CONFIG_PATHS,
): Promise<LoadResult> {
  for (const path of paths) {
    const file = await read(path);
    if (file === undefined) continue;
    const text = decode(file, path);
    if (typeof text !== "string") return { ok: false, error: text };
    const parsed = parseRepoConfig(text, path);
    return parsed.ok ? { ok: true, config: parsed.config, source: "file" } : parsed;
  }
  return { ok: true, config: RepoConfig.parse({}), source: "default" };
}

function decode(file: RepoFile, path: string): string | ConfigError {
  const problem = (message: string): ConfigError => ({ file: path, field: "", message });
  switch (file.kind) {
    case "folder":
      return problem("this path is a folder; the config must be a file.");
    case "other":
      return problem(`this path is a ${file.type}, not a file.`);
    case "too large":
      return problem("the file is too large to read (over 1 MB); a config is a few lines of YAML.");
    case "file":
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
      } catch {
        return problem("the file is not UTF-8 text.");
      }
  }
}
