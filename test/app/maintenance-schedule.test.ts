import { join } from "node:path";
import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp, type PatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { createMaintenanceScheduler, type SchedulerTimers } from "../../src/runs/maintenance-scheduler.js";
import { SqliteQueue } from "../../src/runs/queue/sqlite-queue.js";
import { appInfo, configFile } from "../helpers/github-answers.js";
import { githubExample } from "../helpers/github-examples.js";
import { githubApi, mockInstallationToken, testOctokit, testProbot } from "../helpers/github-api.js";
import { recordingQueue } from "../helpers/recording-queue.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";
import { quietLog } from "../runs/queue/queue-helpers.js";

// The App end to end, up to the run queue: its scheduler stores a `schedule` delivery when a task is due,
// a worker handles it through the front door, and one maintenance run is queued, however many servers
// schedule. GitHub (stubbed and checked) holds Codertocat/Hello-World, of installation 957387.
const INSTALLATION = 957387;
const REPO = "/repos/Codertocat/Hello-World";
const TIDY = `maintenance:\n  tasks:\n    - name: tidy-readme\n      schedule: "17 6 * * *"\n      prompt: Tidy the README.\n`;

let app: PatchwrightApp | undefined;
afterEach(async () => {
  await app?.stop(0);
  app = undefined;
});

function manualTimers(): SchedulerTimers & { fire(ms: number): void } {
  const armed: { run: () => void; ms: number }[] = [];
  return {
    setTimeout: (run, ms) => armed.push({ run, ms }) && armed.at(-1),
    clearTimeout: (handle) => void armed.splice(armed.indexOf(handle as (typeof armed)[number]) >>> 0, 1),
    fire: (ms) => {
      const i = armed.findIndex((t) => t.ms === ms);
      if (i < 0) throw new Error(`no timer of ${ms} ms is armed`);
      armed.splice(i, 1)[0]!.run();
    },
  };
}

/** GitHub's answers to a full sync: the one installation, its one repository, its config. */
function fullSync(): void {
  const listing = githubExample("GET /installation/repositories", 200);
  const item = (listing["repositories"] as Record<string, unknown>[])[0]!;
  githubApi()
    .get("/app/installations")
    .query(true)
    .reply(200, githubExample("GET /app/installations", 200, [{ id: INSTALLATION, suspended_at: null }]))
    .get("/installation/repositories")
    .query(true)
    .reply(200, {
      ...listing,
      total_count: 1,
      repositories: [
        {
          ...structuredClone(item),
          id: 186853002,
          name: "Hello-World",
          full_name: "Codertocat/Hello-World",
          owner: { ...(item["owner"] as object), login: "Codertocat" },
          default_branch: "master",
          private: false,
        },
      ],
    });
  config();
}

function config(): void {
  githubApi()
    .get(`${REPO}/contents/.github%2Fpatchwright.yml`)
    .query({ ref: "master" })
    .reply(200, configFile(TIDY));
}

/** What the front door reads to handle a schedule delivery: the config, and the task's pull requests. */
function frontDoor(): void {
  config();
  githubApi()
    .get(`${REPO}/pulls`)
    .query((q) => q["head"] === "Codertocat:patchwright/maintenance/tidy-readme" && q["state"] === "all")
    .reply(200, []);
}

describe("the App's maintenance scheduler, end to end", () => {
  it("starts one maintenance run when a task comes due, with two schedulers on one queue", async () => {
    const clock = { now: new Date("2026-03-02T06:00:30Z") };
    const queue = new SqliteQueue(join(tempDir("pw-state-"), "queue.sqlite"), {
      leaseMs: 30_000,
      maxRestarts: 2,
      log: quietLog,
    });
    const recorded = recordingQueue();
    const outcomes: Outcome[] = [];
    const timers = manualTimers();
    mockInstallationToken().persist();
    githubApi()
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }));
    fullSync();
    // The catch-up at start: nothing is due yet at 06:00 (the task's time is 06:17).
    frontDoor();
    app = createPatchwrightApp({
      guardCheck: false,
      stateDir: tempDir("pw-state-"),
      queue,
      env: { PATH: process.env["PATH"] ?? "" },
      now: () => clock.now,
      runQueue: () => recorded,
      scheduler: { now: () => clock.now, timers },
      onOutcome: (_e, o) => outcomes.push(o),
    });
    const probot = await testProbot(app.appFn);
    await app.idle();
    expect(outcomes).toEqual([{ status: "ignored", reason: "no maintenance task is due" }]);

    // Another server's scheduler on the same queue, which knows the same repository.
    const other = createMaintenanceScheduler({
      queue,
      appOctokit: () => Promise.resolve(testOctokit()),
      installationOctokit: () => Promise.resolve(testOctokit()),
      log: quietLog,
      now: () => clock.now,
      timers: manualTimers(),
    });
    fullSync();
    await other.sync();

    clock.now = new Date("2026-03-02T06:17:10Z");
    frontDoor();
    timers.fire(60_000);
    await expect.poll(() => recorded.requests.length).toBe(1);
    clock.now = new Date("2026-03-02T06:17:40Z");
    expect(await other.tick()).toBe(0);
    await app.idle();

    expect(recorded.requests).toHaveLength(1);
    expect(recorded.requests[0]).toMatchObject({
      kind: "maintenance",
      installationId: INSTALLATION,
      repository: { owner: "Codertocat", name: "Hello-World", defaultBranch: "master" },
      trigger: {
        event: "schedule",
        key: "maintenance:codertocat/hello-world:tidy-readme:2026-03-02T06:17:00.000Z",
      },
      maintenance: { task: "tidy-readme" },
    });
    expect(outcomes.at(-1)).toMatchObject({ status: "scheduled" });
    other.stop();

    // A push removing the config asks for no run, but the scheduler forgets the repository.
    const push = webhookExample("push", (p) => p["ref"] === "refs/heads/master");
    const commit = (push["commits"] as Record<string, unknown>[])[0]!;
    commit["added"] = [];
    commit["removed"] = [".github/patchwright.yml"];
    githubApi()
      .get(/^\/repos\/Codertocat\/Hello-World\/contents\/\.github%2Fpatchwright\.ya?ml$/)
      .query({ ref: "master" })
      .times(2)
      .reply(404, { message: "Not Found" });
    expect(app.scheduler()?.known().size).toBe(1);
    await probot.receive({ id: "push-1", name: "push", payload: push } as Parameters<Probot["receive"]>[0]);
    await app.idle();
    expect(outcomes.at(-1)).toEqual({ status: "ignored", reason: "push requests nothing" });
    expect(app.scheduler()?.known().size).toBe(0);
  });
});
