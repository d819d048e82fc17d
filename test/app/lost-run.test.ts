import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp, type PatchwrightApp } from "../../src/app/app.js";
import { runIdForDelivery } from "../../src/runs/front-door/run-id.js";
import { readMarker } from "../../src/runs/marker.js";
import type { DurableQueue } from "../../src/runs/queue/durable-queue.js";
import { SqliteQueue } from "../../src/runs/queue/sqlite-queue.js";
import { appInfo, githubUser, issueComment, reaction } from "../helpers/github-answers.js";
import { mockInstallationToken, TEST_INSTALLATION_TOKEN, testProbot } from "../helpers/github-api.js";
import {
  API_REPO,
  configAndPermission,
  modelTurns,
  startWorld,
  testModel,
  threadAnswer,
  trackingEdits,
  type World,
} from "../helpers/run-world.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";
import { quietLog } from "../runs/queue/queue-helpers.js";

const PLAN = "- [ ] Make the page size an option\n\nRisks: none.";

let world: World | undefined;
let app: PatchwrightApp | undefined;
afterEach(async () => {
  await app?.stop(0);
  app = undefined;
  await world?.close();
  world = undefined;
});

/** The durable queue, except that queueing a run fails `failures` times: the process dying right there. */
function failingEnqueue(queue: SqliteQueue, failures: number): DurableQueue {
  let left = failures;
  return {
    backend: queue.backend,
    accept: (d) => queue.accept(d),
    enqueue: (r) => (left-- > 0 ? Promise.reject(new Error("the worker died here")) : queue.enqueue(r)),
    claimTrigger: (k, d) => queue.claimTrigger(k, d),
    cancel: (t) => queue.cancel(t),
    counts: () => queue.counts(),
    ping: () => queue.ping(),
    prune: (b) => queue.prune(b),
    work: (h, o) => queue.work(h, o),
    close: () => queue.close(),
  };
}

function mention(body: string): Record<string, unknown> {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  Object.assign(payload["comment"] as object, { body, id: 7001 });
  (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
  return { ...payload, installation: { id: 42, node_id: "x" } };
}

describe("a delivery whose handling stopped between its tracking comment and queueing its run", () => {
  it("is handled again, finds its own tracking comment, and queues its run once", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const w = world;
    const errors: unknown[] = [];
    app = createPatchwrightApp({
      guardCheck: false,
      model: testModel(),
      gitUrl: w.gitUrl,
      stateDir: tempDir("pw-state-"),
      env: { PATH: process.env["PATH"] ?? "" },
      progressIntervalMs: 0,
      queue: failingEnqueue(
        new SqliteQueue(":memory:", { leaseMs: 30_000, maxRestarts: 2, log: quietLog }),
        1,
      ),
      onError: (_e, err) => errors.push(err),
    });
    const probot = await testProbot(app.appFn);
    const receive = async (): Promise<void> => {
      await probot.receive({
        id: "delivery-lost",
        name: "issue_comment",
        payload: mention("@patchwright /plan make the page size configurable"),
      } as Parameters<Probot["receive"]>[0]);
      await app!.idle();
    };
    mockInstallationToken();
    let posted = "";
    configAndPermission("")
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }))
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/reactions$/)
      .reply(201, reaction("eyes", { id: 1 }))
      // Only once: a second tracking comment would be a request nock does not expect.
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, issueComment(920));

    await receive();
    expect(errors).toHaveLength(1);
    const runId = runIdForDelivery("delivery-lost");
    expect(readMarker(posted)?.run).toBe(runId);

    // GitHub redelivers the failed delivery (the same id): the thread now holds our tracking comment.
    configAndPermission("")
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [
        issueComment(920, { body: posted, user: githubUser("patchwright[bot]", { type: "Bot" }) }),
      ])
      .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
      .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
      .post("/graphql")
      .reply(200, threadAnswer({}));
    const edits = trackingEdits(920);
    const model = modelTurns([[{ type: "text", text: PLAN }]]);
    await receive();

    expect(errors).toHaveLength(1);
    expect(model.isDone()).toBe(true);
    const report = edits.at(-1)!;
    expect(report).toContain(PLAN);
    expect(readMarker(report)?.run).toBe(runId);
  });
});
