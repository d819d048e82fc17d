import { pino } from "pino";
import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp, type PatchwrightApp } from "../../src/app/app.js";
import { runIdForDelivery } from "../../src/runs/front-door/run-id.js";
import { memoryQueue } from "../helpers/recording-queue.js";
import { appInfo, githubUser, issueComment, reaction } from "../helpers/github-answers.js";
import {
  mockInstallationToken,
  TEST_INSTALLATION_TOKEN,
  testAppPrivateKey,
  testProbot,
} from "../helpers/github-api.js";
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

let world: World | undefined;
let app: PatchwrightApp | undefined;
afterEach(async () => {
  await app?.stop(0);
  app = undefined;
  await world?.close();
  world = undefined;
});

describe("the App's logs", () => {
  it("say the delivery, the run and the repository on every line of a mention's run, and never a credential", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const lines: string[] = [];
    // Probot's logger as in production (pino, JSON lines), at LOG_LEVEL debug so that Octokit's own request
    // lines are there too, written here, not to stdout.
    const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    app = createPatchwrightApp({
      guardCheck: false,
      model: testModel(),
      gitUrl: world.gitUrl,
      stateDir: tempDir("pw-state-"),
      env: { PATH: process.env["PATH"] ?? "" },
      progressIntervalMs: 0,
      queue: memoryQueue(),
    });
    const probot = await testProbot(app.appFn, { log });
    mockInstallationToken();
    configAndPermission("")
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }))
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/reactions$/)
      .reply(201, reaction("eyes", { id: 1 }))
      .post(`${API_REPO}/issues/1/comments`)
      .reply(201, issueComment(930))
      .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
      .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
      .post("/graphql")
      .reply(200, threadAnswer({}));
    const edits = trackingEdits(930);
    modelTurns([[{ type: "text", text: "- [ ] Make the page size an option" }]]);
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    Object.assign(payload["comment"] as object, {
      body: "@patchwright /plan make it configurable",
      id: 7002,
    });
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;

    await probot.receive({
      id: "delivery-logged",
      name: "issue_comment",
      payload: { ...payload, installation: { id: 42, node_id: "x" } },
    } as Parameters<Probot["receive"]>[0]);
    await app.idle();

    expect(edits.at(-1)).toContain("Make the page size an option");
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = records.map((r) => r["msg"]);
    // Intake, handling, the run's start and its end are all there.
    expect(messages).toEqual(
      expect.arrayContaining(["event issue_comment: queued", "run queued", "run planned"]),
    );
    // Probot's own debug lines ("Webhook received") come before the delivery is known, and the App's own
    // requests (who it is, installation tokens) are the process's, not a delivery's; every other request
    // line comes from the delivery's or the run's client.
    const requests = records.filter((r) => /^GitHub request: \S+ (?!\S+\/app[/ ])/.test(String(r["msg"])));
    expect(requests.length).toBeGreaterThan(5);
    for (const record of [...records.filter((r) => Number(r["level"]) >= 30), ...requests])
      expect(record, String(record["msg"])).toMatchObject({
        deliveryId: "delivery-logged",
        runId: runIdForDelivery("delivery-logged"),
        repository: "Codertocat/Hello-World",
      });
    const all = lines.join("\n");
    expect(all).not.toContain(TEST_INSTALLATION_TOKEN);
    expect(all).not.toContain(testAppPrivateKey().split("\n")[1]!);
  });
});
