import { z } from "zod";
import { REPO_CONFIG_PATHS } from "../../config/load-repo-config.js";
import type { WebhookEvent } from "../front-door/types.js";

/** A repository as the scheduler knows it: GitHub's id stays the same through renames and transfers. */
export interface KnownRepository {
  id: number;
  owner: string;
  name: string;
  /** Unknown in installation events' short listings: read from GitHub when the config is. */
  defaultBranch?: string;
  private?: boolean;
}

/** What an event changes in the scheduler's list of repositories with maintenance tasks. */
export type ConfigChange =
  | { kind: "read"; installationId: number; repository: KnownRepository }
  /** Every repository of the installation (an unsuspended one: its event lists none). */
  | { kind: "read installation"; installationId: number }
  | { kind: "forget"; repositoryIds: number[] }
  | { kind: "forget installation"; installationId: number };

const Installation = z.object({ id: z.number() });
const ListedRepository = z.object({ id: z.number(), full_name: z.string(), private: z.boolean().optional() });
const Files = z.array(z.string()).optional();
const PushEvent = z.object({
  ref: z.string(),
  deleted: z.boolean().optional(),
  installation: Installation,
  repository: z.object({
    id: z.number(),
    name: z.string(),
    owner: z.object({ login: z.string().optional(), name: z.string().nullish() }),
    default_branch: z.string(),
    private: z.boolean().optional(),
  }),
  commits: z.array(z.object({ added: Files, modified: Files, removed: Files })),
});
const InstallationEvent = z.object({
  action: z.string(),
  installation: Installation,
  repositories: z.array(ListedRepository).optional(),
});
const InstallationRepositoriesEvent = z.object({
  action: z.enum(["added", "removed"]),
  installation: Installation,
  repositories_added: z.array(ListedRepository),
  repositories_removed: z.array(ListedRepository.partial({ full_name: true })),
});

/** GitHub lists at most this many commits in a push: a longer push may touch the config unlisted. */
const PUSH_COMMITS_LISTED = 20;

/**
 * What a `push`, `installation` or `installation_repositories` event changes for the scheduler, from the
 * payload alone; an empty list for every other event and for payloads not in the expected shape.
 */
export function configChanges(event: WebhookEvent): ConfigChange[] {
  switch (event.name) {
    case "push": {
      const e = PushEvent.safeParse(event.payload).data;
      if (!e || e.deleted || e.ref !== `refs/heads/${e.repository.default_branch}`) return [];
      const owner = e.repository.owner.login ?? e.repository.owner.name;
      if (!owner) return [];
      const touched = e.commits.some((c) =>
        [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((path) =>
          (REPO_CONFIG_PATHS as readonly string[]).includes(path),
        ),
      );
      if (!touched && e.commits.length < PUSH_COMMITS_LISTED) return [];
      const { id, name, default_branch, private: isPrivate } = e.repository;
      return [
        {
          kind: "read",
          installationId: e.installation.id,
          repository: { id, owner, name, defaultBranch: default_branch, ...optionalPrivate(isPrivate) },
        },
      ];
    }
    case "installation": {
      const e = InstallationEvent.safeParse(event.payload).data;
      if (!e) return [];
      if (e.action === "deleted" || e.action === "suspend")
        return [{ kind: "forget installation", installationId: e.installation.id }];
      if (e.action !== "created" && e.action !== "unsuspend" && e.action !== "new_permissions_accepted")
        return [];
      if (!e.repositories) return [{ kind: "read installation", installationId: e.installation.id }];
      return reads(e.installation.id, e.repositories);
    }
    case "installation_repositories": {
      const e = InstallationRepositoriesEvent.safeParse(event.payload).data;
      if (!e) return [];
      const forgotten = e.repositories_removed.map((r) => r.id);
      return [
        ...reads(e.installation.id, e.repositories_added),
        ...(forgotten.length > 0 ? [{ kind: "forget" as const, repositoryIds: forgotten }] : []),
      ];
    }
    default:
      return [];
  }
}

function reads(installationId: number, listed: z.infer<typeof ListedRepository>[]): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const r of listed) {
    const [owner, name] = r.full_name.split("/");
    if (owner && name)
      changes.push({
        kind: "read",
        installationId,
        repository: { id: r.id, owner, name, ...optionalPrivate(r.private) },
      });
  }
  return changes;
}

function optionalPrivate(value: boolean | undefined): { private?: boolean } {
  return value === undefined ? {} : { private: value };
}
