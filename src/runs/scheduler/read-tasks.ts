import { z } from "zod";
import { loadRepoConfig } from "../../config/load-repo-config.js";
import { formatConfigError } from "../../config/parse-repo-config.js";
import { isStatus } from "../../github/errors.js";
import type { OctokitLike } from "../../github/octokit-like.js";
import { listPages } from "../../github/paginate.js";
import { getRepoFile } from "../../github/repo-file.js";
import { dreamSchedule } from "../../maintenance/dream-record.js";
import type { Scheduled } from "../../maintenance/schedule.js";
import type { KnownRepository } from "./config-events.js";

/** What the scheduler learns of a repository from its config on the default branch. */
export type RepositoryTasks =
  | { status: "tasks"; repository: Required<KnownRepository>; tasks: Scheduled[] }
  /** No config, or one without maintenance tasks, or the repository is gone: nothing to schedule. */
  | { status: "none" }
  /** The config does not parse: `sentence` names the file and the field. */
  | { status: "invalid"; sentence: string };

const RepositoryAnswer = z.object({ default_branch: z.string(), private: z.boolean() });

/**
 * The repository's maintenance tasks, read from `.github/patchwright.yml` on its default branch (asked of
 * GitHub when the event did not say which branch that is). Other failures are thrown.
 */
export async function readRepositoryTasks(
  octokit: OctokitLike,
  repository: KnownRepository,
): Promise<RepositoryTasks> {
  const where = { owner: repository.owner, repo: repository.name };
  let { defaultBranch, private: isPrivate } = repository;
  if (defaultBranch === undefined || isPrivate === undefined) {
    try {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}", where);
      ({ default_branch: defaultBranch, private: isPrivate } = RepositoryAnswer.parse(data));
    } catch (err) {
      if (isStatus(err, 404)) return { status: "none" };
      throw err;
    }
  }
  const ref = defaultBranch;
  const loaded = await loadRepoConfig((path) => getRepoFile(octokit, { ...where, ref, path }));
  if (!loaded.ok) return { status: "invalid", sentence: formatConfigError(loaded.error) };
  // Dreaming is scheduled like a task, under its reserved name.
  const dream = dreamSchedule(loaded.config);
  const tasks = [...loaded.config.maintenance.tasks, ...(dream ? [dream] : [])];
  if (tasks.length === 0) return { status: "none" };
  return {
    status: "tasks",
    repository: { ...repository, defaultBranch: ref, private: isPrivate },
    // Only what the arithmetic needs is kept: one small entry per repository.
    tasks: tasks.map(({ name, schedule, timezone }) => ({ name, schedule, timezone })),
  };
}

const InstallationItem = z.object({ id: z.number(), suspended_at: z.string().nullish() });
const RepositoryItem = z.object({
  id: z.number(),
  name: z.string(),
  owner: z.object({ login: z.string() }),
  default_branch: z.string().optional(),
  private: z.boolean(),
});

/** The App's installations that are not suspended (authenticated as the App). */
export async function listInstallations(appOctokit: OctokitLike): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of listPages(appOctokit, "GET /app/installations", {}, InstallationItem))
    for (const installation of page) if (!installation.suspended_at) ids.push(installation.id);
  return ids;
}

/** The repositories an installation may reach (authenticated as that installation). */
export async function listInstallationRepositories(octokit: OctokitLike): Promise<KnownRepository[]> {
  const repositories: KnownRepository[] = [];
  for await (const page of listPages(octokit, "GET /installation/repositories", {}, RepositoryItem))
    for (const r of page)
      repositories.push({
        id: r.id,
        owner: r.owner.login,
        name: r.name,
        private: r.private,
        ...(r.default_branch !== undefined ? { defaultBranch: r.default_branch } : {}),
      });
  return repositories;
}
