import { z } from "zod";
import { parseRepoConfig, type ConfigError } from "./parse-repo-config.js";
import { RepoConfig } from "./schema.js";

/** Where the config lives, in the order they are tried. */
export const REPO_CONFIG_PATHS = [".github/patchwright.yml", ".github/patchwright.yaml"] as const;

/** All the loader needs of an Octokit (Probot's, @octokit/core's, or a test's fake). */
export interface ContentsClient {
  request(route: string, params: object): Promise<{ data: unknown }>;
}

export type LoadResult =
  { ok: true; config: RepoConfig; source: "file" | "default" } | { ok: false; error: ConfigError };

// Only what is used of GitHub's "repository content" answer; a folder comes back as a list instead.
const FileContent = z.object({
  type: z.string(),
  encoding: z.string().optional(),
  content: z.string().optional(),
});
const FolderListing = z.array(z.unknown());

/**
 * Reads and validates the repository's config at `ref`, or the defaults when there is none.
 *
 * Callers pass the DEFAULT branch as `ref`, never a pull request's head: the config decides who may start
 * runs and what the agent may touch, and a pull request's head is written by whoever opened it, possibly a
 * stranger from a fork. Config changes take effect once they are merged.
 *
 * HTTP errors other than 404 are thrown for the caller to report.
 */
export async function loadRepoConfig(
  octokit: ContentsClient,
  where: { owner: string; repo: string; ref: string },
  paths: readonly string[] = REPO_CONFIG_PATHS,
): Promise<LoadResult> {
  for (const path of paths) {
    let data: unknown;
    try {
      ({ data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...where, path }));
    } catch (err) {
      if (statusOf(err) === 404) continue;
      throw err;
    }
    const text = decode(data, path);
    if (typeof text !== "string") return { ok: false, error: text };
    const parsed = parseRepoConfig(text, path);
    return parsed.ok ? { ok: true, config: parsed.config, source: "file" } : parsed;
  }
  return { ok: true, config: RepoConfig.parse({}), source: "default" };
}

function decode(data: unknown, file: string): string | ConfigError {
  const problem = (message: string): ConfigError => ({ file, field: "", message });
  if (FolderListing.safeParse(data).success)
    return problem("this path is a folder; the config must be a file.");
  const parsed = FileContent.safeParse(data);
  if (!parsed.success) {
    throw new Error(`unexpected answer from GitHub for ${file}: ${parsed.error.issues[0]!.message}`);
  }
  const { type, encoding, content } = parsed.data;
  if (type !== "file") return problem(`this path is a ${type}, not a file.`);
  // GitHub leaves `content` empty (encoding "none") for files over 1 MB.
  if (encoding !== "base64" || content === undefined) {
    return problem("the file is too large to read (over 1 MB); a config is a few lines of YAML.");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(content, "base64"));
  } catch {
    return problem("the file is not UTF-8 text.");
  }
}

function statusOf(err: unknown): unknown {
  return typeof err === "object" && err !== null && "status" in err ? err.status : undefined;
}
