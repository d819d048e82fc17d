import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp, type PatchwrightApp } from "../../src/app/app.js";
import type { RunRequest } from "../../src/request/run-request.js";
import { ABANDONED } from "../../src/runs/messages.js";
import { SqliteQueue } from "../../src/runs/queue/sqlite-queue.js";
import { appInfo, githubUser, issueComment } from "../helpers/github-answers.js";
import { githubApi, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { tempDir } from "../helpers/temp-repo.js";
import { queueRequest, quietLog } from "../runs/queue/queue-helpers.js";

const COMMENT = "/repos/Codertocat/Hello-World/issues/comments/77";

// A worker that died holding a run: the run is in the queue file, claimed under a lease already expired.
// The App opening that file is the worker that takes it up. (Real processes killed mid-run: crash.test.ts.)
function leftByADeadWorker(maxRestarts: number): { path: string; request: RunRequest } {
  const path = join(tempDir("pw-restart-"), "queue.sqlite");
  const request: RunRequest = {
    ...queueRequest("run-9", "maintenance", 1),
    repository: { owner: "Codertocat", name: "Hello-World", defaultBranch: "master", private: false },
    installationId: 42,
    trackingCommentId: 77,
  };
  const dead = new SqliteQueue(path, { leaseMs: 1, maxRestarts, log: quietLog });
  void dead.enqueue(request);
  expect(dead.claim("a-worker-that-died", { events: false, runs: true }).job?.id).toBe("run-9");
  void dead.close();
  return { path, request };
}

function trackingEdits(count: number): string[] {
  const bodies: string[] = [];
  githubApi()
    .patch(COMMENT, (body: { body: string }) => (bodies.push(body.body), true))
    .times(count)
    .reply(200, issueComment(77));
  return bodies;
}

let app: PatchwrightApp | undefined;
afterEach(async () => {
  await app?.stop(0);
  app = undefined;
});

async function startApp(path: string, maxRestarts: number): Promise<PatchwrightApp> {
  app = createPatchwrightApp({
    guardCheck: false,
    stateDir: tempDir("pw-state-"),
    queue: new SqliteQueue(path, { leaseMs: 30_000, maxRestarts, log: quietLog }),
    env: { PATH: process.env["PATH"] ?? "" },
  });
  await testProbot(app.appFn);
  return app;
}

describe("a run whose worker died", () => {
  it("is started again, and its tracking comment and report say it was restarted", async () => {
    const { path } = leftByADeadWorker(2);
    mockInstallationToken();
    githubApi()
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }))
      .get("/users/patchwright%5Bbot%5D")
      .reply(200, githubUser("patchwright[bot]", { id: 99, type: "Bot" }));
    const edits = trackingEdits(2);
    await (await startApp(path, 2)).idle();
    expect(edits[0]).toContain("restarted this run from a fresh workspace");
    expect(edits[0]).toContain("(restart 1)");
    // The run itself (a maintenance run naming no task in the config, so it ends at once) reports,
    // with the restart noted.
    expect(edits[1]).toContain("has no maintenance task named");
    expect(edits[1]).toContain("This run was restarted from a fresh workspace once");
    expect(edits[1]).toContain('"run":"run-9"');
  });

  it("is given up past the restart limit, saying so on its tracking comment instead of 'working'", async () => {
    const { path } = leftByADeadWorker(0);
    mockInstallationToken();
    const edits = trackingEdits(1);
    await (await startApp(path, 0)).idle();
    // The abandonment is reported beside the queue, not inside a job: wait for the edit itself.
    await expect.poll(() => edits.length, { timeout: 20_000 }).toBe(1);
    expect(edits[0]).toContain(ABANDONED);
    expect(edits[0]).toContain('"run":"run-9"');
  });
});
