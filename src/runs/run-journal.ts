import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { RepoConfig } from "../config/schema.js";
import { updateComment } from "../github/guarded-comments.js";
import type { OctokitLike } from "../github/octokit-like.js";
import type { RunRequest } from "../request/run-request.js";
import { renderMarker } from "./marker.js";
import type { RunExecutor } from "./run-queue.js";

export const JournalEntry = z.object({
  id: z.string(),
  owner: z.string(),
  name: z.string(),
  installationId: z.number().optional(),
  trackingCommentId: z.number(),
  trigger: z.string(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

const JournalFile = z.object({ runs: z.array(JournalEntry) });

/**
 * The runs under way, on disk: a server that restarts finds the ones it left behind and says so on
 * their threads, instead of leaving a "working" comment forever. (Runs are not resumed: their
 * workspace is gone.)
 */
export class FileRunJournal {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  started(request: RunRequest): Promise<void> {
    if (request.trackingCommentId === undefined) return Promise.resolve();
    const entry: JournalEntry = {
      id: request.id,
      owner: request.repository.owner,
      name: request.repository.name,
      ...(request.installationId !== undefined ? { installationId: request.installationId } : {}),
      trackingCommentId: request.trackingCommentId,
      trigger: request.trigger.key,
    };
    return this.update((runs) => [...runs.filter((r) => r.id !== entry.id), entry]);
  }

  ended(id: string): Promise<void> {
    return this.update((runs) => runs.filter((r) => r.id !== id));
  }

  /** The runs a previous process left, removed from the journal as they are returned. */
  async takeLeftOver(): Promise<JournalEntry[]> {
    let left: JournalEntry[] = [];
    await this.update((runs) => {
      left = runs;
      return [];
    });
    return left;
  }

  private update(change: (runs: JournalEntry[]) => JournalEntry[]): Promise<void> {
    const next = this.chain.then(async () => {
      const runs = change(await this.read());
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      // Written aside and renamed: a crash mid-write leaves the old journal, never half a file.
      await writeFile(`${this.path}.tmp`, JSON.stringify({ runs }), { mode: 0o600 });
      await rename(`${this.path}.tmp`, this.path);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<JournalEntry[]> {
    const text = await readFile(this.path, "utf8").catch(() => undefined);
    if (text === undefined) return [];
    try {
      return JournalFile.parse(JSON.parse(text)).runs;
    } catch {
      return [];
    }
  }
}

/** The executor, with every run written to the journal while it is under way. */
export function journaled(execute: RunExecutor, journal: FileRunJournal): RunExecutor {
  return async (request, signal) => {
    await journal.started(request);
    try {
      await execute(request, signal);
    } finally {
      await journal.ended(request.id);
    }
  };
}

export const INTERRUPTED =
  "❌ **patchwright** — the server restarted while this run was under way, so it stopped; nothing more was " +
  "pushed after that point. Mention it again to start over.";

/** Marks the tracking comments of runs a previous process left behind as failed, saying why. */
export async function reportInterruptedRuns(
  journal: FileRunJournal,
  octokitFor: (installationId: number | undefined) => Promise<OctokitLike>,
  log: { warn(message: string, fields?: Record<string, unknown>): void },
): Promise<number> {
  const left = await journal.takeLeftOver();
  const guard = RepoConfig.parse({}).guard;
  for (const run of left) {
    try {
      await updateComment(
        await octokitFor(run.installationId),
        { owner: run.owner, repo: run.name },
        run.trackingCommentId,
        `${INTERRUPTED}\n\n${renderMarker({ run: run.id, trigger: run.trigger })}`,
        guard,
      );
    } catch (err) {
      log.warn("could not mark an interrupted run", { run: run.id, error: (err as Error)?.message });
    }
  }
  return left.length;
}
