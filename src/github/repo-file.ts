import { z } from "zod";
import type { RepoFile } from "../config/load-repo-config.js";
import { isStatus } from "./errors.js";
import type { OctokitLike, RepoRef } from "./octokit-like.js";

/** What is used of GitHub's "repository content" answer for a file, a submodule or a symlink. */
export const RepoContent = z.looseObject({
  type: z.string(),
  encoding: z.string().optional(),
  content: z.string().optional(),
});
export type RepoContent = z.infer<typeof RepoContent>;

/** A folder comes back as the list of what is in it. */
const FolderListing = z.array(z.unknown());

/**
 * What stands at `path` at `ref`: a file's bytes, or what stands there instead; undefined when nothing
 * does (404). Other HTTP errors, and an answer that is neither a folder nor an entry, are thrown.
 */
export async function getRepoFile(
  octokit: OctokitLike,
  where: RepoRef & { ref: string; path: string },
): Promise<RepoFile | undefined> {
  let data: unknown;
  try {
    ({ data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...where }));
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
  if (FolderListing.safeParse(data).success) return { kind: "folder" };
  const parsed = RepoContent.safeParse(data);
  if (!parsed.success) {
    throw new Error(`unexpected answer from GitHub for ${where.path}: ${parsed.error.issues[0]!.message}`);
  }
  const { type, encoding, content } = parsed.data;
  if (type !== "file") return { kind: "other", type };
  // GitHub leaves `content` empty (encoding "none") for files over 1 MB.
  if (encoding !== "base64" || content === undefined) return { kind: "too large" };
  return { kind: "file", bytes: Buffer.from(content, "base64") };
}
