import type { OctokitLike } from "../github/octokit-like.js";
import { nextRun, type Scheduled } from "../maintenance/schedule.js";
import type { WebhookEvent } from "./front-door/types.js";
import type { DurableQueue, QueueLog } from "./queue/durable-queue.js";
import { configChanges, type ConfigChange, type KnownRepository } from "./scheduler/config-events.js";
import {
  listInstallationRepositories,
  listInstallations,
  readRepositoryTasks,
  type RepositoryTasks,
} from "./scheduler/read-tasks.js";

/** The timers the scheduler arms: injected, so tests move time themselves. */
export interface SchedulerTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SchedulerSettings {
  /** How often due times are compared with the clock; a minute by default (cron's resolution). */
  tickMs?: number;
  /** How often every installation's repositories and configs are read again; a day by default. */
  syncMs?: number;
  /** Up to this much is added to each sync's delay, so servers started together do not sync together. */
  syncJitterMs?: number;
  /** Configs read at once during a sync. */
  concurrency?: number;
  now?: () => Date;
  timers?: SchedulerTimers;
  random?: () => number;
}

export interface SchedulerOptions extends SchedulerSettings {
  /** Where the synthetic `schedule` deliveries are stored, to be handled by any worker. */
  queue: Pick<DurableQueue, "accept">;
  /** Authenticated as the App (its JWT): lists the installations. */
  appOctokit: () => Promise<OctokitLike>;
  installationOctokit: (installationId: number) => Promise<OctokitLike>;
  log: QueueLog;
}

export interface MaintenanceScheduler {
  /** Reads every installation's configs, sends one catch-up delivery per repository, then ticks. */
  start(): void;
  /** Learns from a `push`, `installation` or `installation_repositories` event (read in the background). */
  observe(event: WebhookEvent): void;
  /** Stores a delivery for each repository with a task due by now; how many were new. */
  tick(): Promise<number>;
  /** Reads every installation's repositories and configs again; `catchUp` also sends each a delivery. */
  sync(options?: { catchUp?: boolean }): Promise<void>;
  /** Resolves when no config read is under way (tests). */
  idle(): Promise<void>;
  stop(): void;
  /** The repositories with tasks, by GitHub id, and when each is next due. */
  known(): Map<number, { repository: string; installationId: number; tasks: string[]; nextDue: Date }>;
}

interface Entry {
  installationId: number;
  repository: Required<KnownRepository>;
  tasks: Scheduled[];
  /** The earliest next scheduled time of its tasks, in ms. */
  next: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const realTimers: SchedulerTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The App's maintenance scheduler, run by the server role. It keeps one small entry per repository with
 * maintenance tasks (from its config on the default branch) and each one's next due time. When a
 * repository has a task due, it stores a `schedule` delivery in the durable queue, as GitHub's webhooks
 * are stored, whose id names the repository and the due minute: every scheduler process computes the same
 * id, the queue keeps the first and drops the rest, so one tick of a task starts one handling however many
 * servers run. A worker handles it through the front door like an Action's `schedule` event: it reads the
 * config and the task records again, and claims each task tick's trigger key (the second line of defence).
 *
 * Restarts: nothing is kept on disk. At start every installation's configs are read and each repository
 * with tasks gets one catch-up delivery; the front door works out the tasks due since their recorded last
 * runs, so ticks missed while no scheduler ran are run once, not once per missed tick.
 */
export function createMaintenanceScheduler(options: SchedulerOptions): MaintenanceScheduler {
  const now = options.now ?? (() => new Date());
  const timers = options.timers ?? realTimers;
  const tickMs = options.tickMs ?? MINUTE;
  const syncMs = options.syncMs ?? DAY;
  const jitterMs = options.syncJitterMs ?? 3_600_000;
  const random = options.random ?? Math.random;
  const { log } = options;
  const limit = limiter(options.concurrency ?? 4);
  const entries = new Map<number, Entry>();
  const pending = new Set<Promise<void>>();
  // Ticks have stored deliveries for every time up to here: new entries count their next time from it.
  let coveredUntil = now().getTime();
  let stopped = false;
  let tickTimer: unknown;
  let syncTimer: unknown;

  const track = (work: Promise<void>): void => {
    const done = work.finally(() => pending.delete(done));
    pending.add(done);
  };

  const deliver = async (entry: Entry, id: string): Promise<boolean> => {
    const { repository: r, installationId } = entry;
    const stored = await options.queue.accept({
      id,
      name: "schedule",
      // The shape of an Action's `schedule` payload, with the installation the App acts as.
      payload: {
        installation: { id: installationId },
        repository: {
          id: r.id,
          name: r.name,
          full_name: `${r.owner}/${r.name}`,
          owner: { login: r.owner },
          default_branch: r.defaultBranch,
          private: r.private,
        },
      },
    });
    return stored === "accepted";
  };

  const remember = (installationId: number, found: RepositoryTasks, named: string, id: number): void => {
    if (found.status === "invalid") {
      log.warn(`skipping the maintenance tasks of ${named}: ${found.sentence}`, { repository: named });
      entries.delete(id);
      return;
    }
    if (found.status === "none") {
      entries.delete(id);
      return;
    }
    const old = entries.get(id);
    const same = old !== undefined && JSON.stringify(old.tasks) === JSON.stringify(found.tasks);
    entries.set(id, {
      installationId,
      repository: found.repository,
      tasks: found.tasks,
      next: same ? old.next : nextDue(found.tasks, coveredUntil, log, named),
    });
  };

  const read = async (installationId: number, repository: KnownRepository): Promise<boolean> => {
    const named = `${repository.owner}/${repository.name}`;
    try {
      const octokit = await options.installationOctokit(installationId);
      remember(installationId, await readRepositoryTasks(octokit, repository), named, repository.id);
      return true;
    } catch (err) {
      log.warn(`could not read the maintenance config of ${named}; keeping what was known`, {
        repository: named,
        error: (err as Error)?.message,
      });
      return false;
    }
  };

  const apply = async (change: ConfigChange): Promise<void> => {
    if (change.kind === "read") {
      await limit(() => read(change.installationId, change.repository));
    } else if (change.kind === "read installation") {
      const octokit = await options.installationOctokit(change.installationId);
      const repositories = await limit(() => listInstallationRepositories(octokit));
      await Promise.all(repositories.map((r) => limit(() => read(change.installationId, r))));
    } else if (change.kind === "forget") {
      for (const id of change.repositoryIds) entries.delete(id);
    } else {
      for (const [id, entry] of entries)
        if (entry.installationId === change.installationId) entries.delete(id);
    }
  };

  const tick = async (): Promise<number> => {
    const t = now().getTime();
    let started = 0;
    for (const entry of entries.values()) {
      if (entry.next > t || stopped) continue;
      const minute = new Date(Math.floor(entry.next / MINUTE) * MINUTE);
      const named = `${entry.repository.owner}/${entry.repository.name}`;
      try {
        if (await deliver(entry, `schedule-${entry.repository.id}-${isoMinute(minute)}`)) started++;
        entry.next = nextDue(entry.tasks, t, log, named);
      } catch (err) {
        // Not stored: the entry stays due and the next tick tries again.
        log.warn(`could not store the maintenance delivery of ${named}; trying again at the next tick`, {
          repository: named,
          error: (err as Error)?.message,
        });
      }
    }
    coveredUntil = Math.max(coveredUntil, t);
    return started;
  };

  const sync = async ({ catchUp = false } = {}): Promise<void> => {
    const startedAt = isoMinute(now());
    const installations = await listInstallations(await options.appOctokit());
    const current = new Set(installations);
    const listed = new Set<number>();
    const seen = new Set<number>();
    await Promise.all(
      installations.map(async (installationId) => {
        let repositories: KnownRepository[];
        try {
          repositories = await limit(async () =>
            listInstallationRepositories(await options.installationOctokit(installationId)),
          );
        } catch (err) {
          log.warn("could not list an installation's repositories; keeping what was known", {
            installationId,
            error: (err as Error)?.message,
          });
          return;
        }
        listed.add(installationId);
        await Promise.all(
          repositories.map(async (repository) => {
            seen.add(repository.id);
            // A stopping server reads no more: its shutdown waits only for the reads under way.
            const readIt = () => (stopped ? Promise.resolve(false) : read(installationId, repository));
            if (!(await limit(readIt)) || !catchUp || stopped) return;
            const entry = entries.get(repository.id);
            if (entry)
              await deliver(entry, `schedule-${repository.id}-catch-up-${startedAt}`).catch((err: unknown) =>
                log.warn("could not store a maintenance catch-up delivery; the next due tick runs it", {
                  repository: `${repository.owner}/${repository.name}`,
                  error: (err as Error)?.message,
                }),
              );
          }),
        );
      }),
    );
    // Repositories the App can no longer reach are forgotten; those of an installation that could not
    // be listed are kept until the next sync.
    for (const [id, entry] of entries)
      if (!current.has(entry.installationId) || (listed.has(entry.installationId) && !seen.has(id)))
        entries.delete(id);
    log.info("read the maintenance configs of every installation", {
      installations: installations.length,
      repositoriesWithTasks: entries.size,
    });
  };

  const armTick = (): void => {
    tickTimer = timers.setTimeout(() => {
      void tick()
        .catch((err: unknown) => log.warn("maintenance tick failed", { error: (err as Error)?.message }))
        .finally(() => {
          if (!stopped) armTick();
        });
    }, tickMs);
  };
  const armSync = (): void => {
    syncTimer = timers.setTimeout(
      () => {
        track(runSync(false));
      },
      syncMs + Math.floor(random() * jitterMs),
    );
  };
  const runSync = (catchUp: boolean): Promise<void> =>
    sync({ catchUp })
      .catch((err: unknown) =>
        log.warn("could not read the installations' maintenance configs; trying again at the next sync", {
          error: (err as Error)?.message,
        }),
      )
      .finally(() => {
        if (!stopped) armSync();
      });

  return {
    start: () => {
      coveredUntil = now().getTime();
      track(runSync(true));
      armTick();
    },
    observe: (event) => {
      if (stopped) return;
      for (const change of configChanges(event))
        track(
          apply(change).catch((err: unknown) =>
            log.warn("could not list an installation's repositories; the next daily read will", {
              error: (err as Error)?.message,
            }),
          ),
        );
    },
    tick,
    sync,
    idle: async () => {
      while (pending.size > 0) await Promise.all(pending);
    },
    stop: () => {
      stopped = true;
      timers.clearTimeout(tickTimer);
      timers.clearTimeout(syncTimer);
    },
    known: () =>
      new Map(
        [...entries].map(([id, e]) => [
          id,
          {
            repository: `${e.repository.owner}/${e.repository.name}`,
            installationId: e.installationId,
            tasks: e.tasks.map((t) => t.name),
            nextDue: new Date(e.next),
          },
        ]),
      ),
  };
}

/** The earliest time after `after` one of the tasks is due. */
function nextDue(tasks: readonly Scheduled[], after: number, log: QueueLog, named: string): number {
  let next = Infinity;
  for (const task of tasks) {
    try {
      next = Math.min(next, nextRun(task, new Date(after)).getTime());
    } catch (err) {
      // The config's schema checked the schedule; a task whose next time still cannot be found is skipped.
      log.warn(`cannot work out when ${named}'s task ${task.name} is next due`, {
        error: (err as Error)?.message,
      });
    }
  }
  return next;
}

/** A minute as ISO 8601's basic format (20260302T0617Z): a delivery id holds no colon, which BullMQ refuses. */
function isoMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace(/[-:]/g, "")}Z`;
}

/** At most `concurrency` of the calls run at once; the others wait their turn. */
function limiter(concurrency: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
