import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMaintenanceScheduler, type SchedulerTimers } from "../../src/runs/maintenance-scheduler.js";
import type { DurableQueue, QueueLog } from "../../src/runs/queue/durable-queue.js";
import type { RedisQueue } from "../../src/runs/queue/redis-queue.js";
import { SqliteQueue } from "../../src/runs/queue/sqlite-queue.js";
import { configFile } from "../helpers/github-answers.js";
import { githubExample } from "../helpers/github-examples.js";
import { githubApi, testOctokit } from "../helpers/github-api.js";
import { redisAnswers } from "../helpers/redis.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";
import { quietLog, testRedisQueue } from "./queue/queue-helpers.js";

const withRedis = await redisAnswers();

// The repositories of GitHub's webhook examples: installation 957387 holds Codertocat/Hello-World
// (default branch master) and, once added, Codertocat/Space.
const INSTALLATION = 957387;
const HELLO = { id: 186853002, name: "Hello-World" };
const SPACE = { id: 186853007, name: "Space" };
const TIDY = `maintenance:\n  tasks:\n    - name: tidy-readme\n      schedule: "17 6 * * *"\n      prompt: Tidy the README.\n`;

const queues: DurableQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
});

function sqliteQueue(path = join(tempDir("pw-sched-"), "queue.sqlite")): SqliteQueue {
  const queue = new SqliteQueue(path, { leaseMs: 30_000, maxRestarts: 2, log: quietLog });
  queues.push(queue);
  return queue;
}

function redisQueue(prefix: string): RedisQueue {
  const queue = testRedisQueue(prefix);
  queues.push(queue);
  return queue;
}

/** Timers that fire only when the test says so. */
function manualTimers(): SchedulerTimers & {
  armed: { run: () => void; ms: number }[];
  fire(ms: number): void;
} {
  const armed: { run: () => void; ms: number }[] = [];
  return {
    armed,
    fire: (ms) => {
      const i = armed.findIndex((t) => t.ms === ms);
      if (i < 0) throw new Error(`no timer of ${ms} ms is armed`);
      armed.splice(i, 1)[0]!.run();
    },
    setTimeout: (run, ms) => {
      const timer = { run, ms };
      armed.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      const i = armed.indexOf(handle as (typeof armed)[number]);
      if (i >= 0) armed.splice(i, 1);
    },
  };
}

function recordingLog(): QueueLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...quietLog, warnings, warn: (message) => void warnings.push(message) };
}

function scheduler(queue: DurableQueue, clock: { now: Date }, log: QueueLog = quietLog) {
  const timers = manualTimers();
  const s = createMaintenanceScheduler({
    queue,
    appOctokit: () => Promise.resolve(testOctokit()),
    installationOctokit: () => Promise.resolve(testOctokit()),
    log,
    now: () => clock.now,
    timers,
    random: () => 0.5,
  });
  return Object.assign(s, { timers });
}

/** GitHub's answers to a full sync: the App's one installation and its repositories. */
function installationWith(...repos: { id: number; name: string }[]): void {
  githubApi()
    .get("/app/installations")
    .query(true)
    .reply(200, githubExample("GET /app/installations", 200, [{ id: INSTALLATION, suspended_at: null }]));
  repositoriesOf(...repos);
}

function repositoriesOf(...repos: { id: number; name: string }[]): void {
  const listing = githubExample("GET /installation/repositories", 200);
  const item = (listing["repositories"] as Record<string, unknown>[])[0]!;
  githubApi()
    .get("/installation/repositories")
    .query(true)
    .reply(200, {
      ...listing,
      total_count: repos.length,
      repositories: repos.map((r) => ({
        ...structuredClone(item),
        id: r.id,
        name: r.name,
        full_name: `Codertocat/${r.name}`,
        owner: { ...(item["owner"] as object), login: "Codertocat" },
        default_branch: "master",
        private: false,
      })),
    });
}

function config(text: string, repo = "Hello-World"): void {
  githubApi()
    .get(`/repos/Codertocat/${repo}/contents/.github%2Fpatchwright.yml`)
    .query({ ref: "master" })
    .reply(200, configFile(text));
}

function noConfig(repo: string): void {
  githubApi()
    .get(`/repos/Codertocat/${repo}/contents/.github%2Fpatchwright.yml`)
    .query({ ref: "master" })
    .reply(404, { message: "Not Found" })
    .get(`/repos/Codertocat/${repo}/contents/.github%2Fpatchwright.yaml`)
    .query({ ref: "master" })
    .reply(404, { message: "Not Found" });
}

async function storedDeliveries(queue: DurableQueue): Promise<number> {
  const counts = await queue.counts();
  return counts.filter((c) => c.queue === "events").reduce((sum, c) => sum + c.count, 0);
}

const backends = [
  { name: "SQLite", available: true, open: () => sqliteQueue(), shared: (q: DurableQueue) => q },
  {
    name: "Redis",
    available: withRedis,
    open: () => redisQueue(`pw-sched-${randomUUID()}`),
    // A second connection to the same queue, as a second server process has.
    shared: (q: DurableQueue) => redisQueue((q as unknown as { prefix: string }).prefix),
  },
];

describe("the App's maintenance scheduler", () => {
  it("reads the configs at start, sends one catch-up delivery per repository, then one when a task is due", async () => {
    const clock = { now: new Date("2026-03-02T06:00:30Z") };
    const queue = sqliteQueue();
    const s = scheduler(queue, clock);
    installationWith(HELLO, SPACE);
    config(TIDY);
    noConfig("Space");
    s.start();
    await s.idle();
    expect([...s.known().values()]).toEqual([
      {
        repository: "Codertocat/Hello-World",
        installationId: INSTALLATION,
        tasks: ["tidy-readme"],
        nextDue: new Date("2026-03-02T06:17:00Z"),
      },
    ]);
    // The catch-up, for Hello-World only (Space has no tasks).
    expect(await storedDeliveries(queue)).toBe(1);

    clock.now = new Date("2026-03-02T06:16:59Z");
    expect(await s.tick()).toBe(0);
    clock.now = new Date("2026-03-02T06:17:20Z");
    // The tick runs from its own timer, re-armed after each tick.
    s.timers.fire(60_000);
    await expect.poll(() => storedDeliveries(queue)).toBe(2);
    expect(s.known().get(HELLO.id)?.nextDue).toEqual(new Date("2026-03-03T06:17:00Z"));
    expect(await s.tick()).toBe(0);
    // The daily sync is armed with its jitter (random() = 0.5 of an hour).
    expect(s.timers.armed.some((t) => t.ms === 86_400_000 + 1_800_000)).toBe(true);
    s.stop();
    expect(s.timers.armed).toEqual([]);
  });

  it("schedules dreaming like a task, in a repository whose config sets only maintenance.dream", async () => {
    const clock = { now: new Date("2026-03-02T06:00:30Z") };
    const s = scheduler(sqliteQueue(), clock);
    installationWith(HELLO);
    config(`features:\n  memory: true\nmaintenance:\n  dream: { schedule: "0 3 * * *" }\n`);
    await s.sync();
    expect(s.known().get(HELLO.id)).toMatchObject({
      tasks: ["dream"],
      nextDue: new Date("2026-03-03T03:00:00Z"),
    });
  });

  for (const backend of backends)
    it.skipIf(!backend.available)(
      `two schedulers on one ${backend.name} queue store one delivery per due tick`,
      async () => {
        const clock = { now: new Date("2026-03-02T06:00:00Z") };
        const queue = backend.open();
        const first = scheduler(queue, clock);
        const second = scheduler(backend.shared(queue), clock);
        for (const s of [first, second]) {
          installationWith(HELLO);
          config(TIDY);
          await s.sync();
        }
        clock.now = new Date("2026-03-02T06:17:05Z");
        expect(await first.tick()).toBe(1);
        clock.now = new Date("2026-03-02T06:17:40Z");
        expect(await second.tick()).toBe(0);
        expect(await storedDeliveries(queue)).toBe(1);
      },
    );

  it("adds and removes a task when a push to the default branch changes the config", async () => {
    const clock = { now: new Date("2026-03-02T06:00:00Z") };
    const s = scheduler(sqliteQueue(), clock);
    const push = webhookExample("push", (p) => p["ref"] === "refs/heads/master");
    const commit = (push["commits"] as Record<string, unknown>[])[0]!;
    commit["added"] = [];
    commit["modified"] = [".github/patchwright.yml"];
    config(TIDY);
    s.observe({ id: "p1", name: "push", payload: push });
    await s.idle();
    expect([...s.known().keys()]).toEqual([HELLO.id]);

    // A push that does not touch the config reads nothing (nock would fail the test on a request).
    commit["modified"] = ["README.md"];
    s.observe({ id: "p2", name: "push", payload: push });
    // A push to another branch neither.
    s.observe({ id: "p3", name: "push", payload: { ...push, ref: "refs/heads/feature" } });
    await s.idle();

    commit["modified"] = [];
    commit["removed"] = [".github/patchwright.yml"];
    noConfig("Hello-World");
    s.observe({ id: "p4", name: "push", payload: push });
    await s.idle();
    expect(s.known().size).toBe(0);
  });

  it("learns repositories from installation events and forgets those of a deleted installation", async () => {
    const clock = { now: new Date("2026-03-02T06:00:00Z") };
    const s = scheduler(sqliteQueue(), clock);
    githubApi()
      .get("/repos/Codertocat/Hello-World")
      .reply(
        200,
        githubExample("GET /repos/{owner}/{repo}", 200, { default_branch: "master", private: false }),
      );
    config(TIDY);
    s.observe({
      id: "i1",
      name: "installation",
      payload: webhookExample("installation", (p) => p["action"] === "created"),
    });
    await s.idle();
    expect(s.known().get(HELLO.id)?.tasks).toEqual(["tidy-readme"]);

    githubApi()
      .get("/repos/Codertocat/Space")
      .reply(
        200,
        githubExample("GET /repos/{owner}/{repo}", 200, { default_branch: "master", private: false }),
      );
    config(TIDY, "Space");
    s.observe({
      id: "i2",
      name: "installation_repositories",
      payload: webhookExample("installation_repositories", (p) => p["action"] === "added"),
    });
    await s.idle();
    expect([...s.known().keys()].sort()).toEqual([HELLO.id, SPACE.id]);

    const removed = webhookExample("installation_repositories", (p) => p["action"] === "removed");
    removed["installation"] = { ...(removed["installation"] as object), id: INSTALLATION };
    (removed["repositories_removed"] as { id: number }[])[0]!.id = SPACE.id;
    s.observe({ id: "i3", name: "installation_repositories", payload: removed });
    await s.idle();
    expect([...s.known().keys()]).toEqual([HELLO.id]);

    const deleted = webhookExample("installation", (p) => p["action"] === "deleted");
    deleted["installation"] = { ...(deleted["installation"] as object), id: INSTALLATION };
    s.observe({ id: "i4", name: "installation", payload: deleted });
    await s.idle();
    expect(s.known().size).toBe(0);

    // An unsuspended installation's event lists no repositories: they are asked for.
    repositoriesOf(HELLO);
    config(TIDY);
    const unsuspended = webhookExample("installation", (p) => p["action"] === "unsuspend");
    s.observe({ id: "i5", name: "installation", payload: unsuspended });
    await s.idle();
    expect(s.known().get(HELLO.id)?.installationId).toBe(16598467);
  });

  it("skips a repository whose config does not parse, with one log line naming the field", async () => {
    const clock = { now: new Date("2026-03-02T06:00:00Z") };
    const queue = sqliteQueue();
    const log = recordingLog();
    const s = scheduler(queue, clock, log);
    installationWith(HELLO, SPACE);
    config(TIDY.replace('"17 6 * * *"', '"61 6 * * *"'));
    config(TIDY, "Space");
    await s.sync({ catchUp: true });
    expect([...s.known().keys()]).toEqual([SPACE.id]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain("Codertocat/Hello-World");
    expect(log.warnings[0]).toContain("`maintenance.tasks[0].schedule`");
    expect(await storedDeliveries(queue)).toBe(1);
  });

  it("after a restart sends one catch-up delivery per repository, and no second for the ticks it missed", async () => {
    const path = join(tempDir("pw-sched-"), "queue.sqlite");
    const clock = { now: new Date("2026-03-02T06:00:00Z") };
    const before = scheduler(sqliteQueue(path), clock);
    installationWith(HELLO);
    config(TIDY);
    before.start();
    await before.idle();
    before.stop();
    await queues.pop()!.close();

    // Down over 06:17: started again at 07:30, on the same queue file.
    clock.now = new Date("2026-03-02T07:30:10Z");
    const queue = sqliteQueue(path);
    const after = scheduler(queue, clock);
    installationWith(HELLO);
    config(TIDY);
    after.start();
    await after.idle();
    // The first start's catch-up and this one's: the missed 06:17 tick is the front door's to find.
    expect(await storedDeliveries(queue)).toBe(2);
    expect(await after.tick()).toBe(0);
    expect(after.known().get(HELLO.id)?.nextDue).toEqual(new Date("2026-03-03T06:17:00Z"));
    after.stop();
  });
});
