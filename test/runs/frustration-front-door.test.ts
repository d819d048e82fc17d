// The front door on a frustrated thread, with GitHub's real webhook payloads: what it queues or answers.
// The run that follows (a plan, its report) is in app-runs.test.ts.
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { renderMarker } from "../../src/runs/marker.js";
import { githubApi, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { appInfo, issueComment, reaction } from "../helpers/github-answers.js";
import { recordingQueue } from "../helpers/recording-queue.js";
import { API_REPO, configAndPermission, OWNER, threadAnswer } from "../helpers/run-world.js";
import { webhookExample } from "../helpers/webhook-examples.js";

afterEach(() => {
  nock.cleanAll();
});

let ids = 0;

async function frontDoor(): Promise<{
  outcomes: Outcome[];
  errors: unknown[];
  receive(payload: Record<string, unknown>): Promise<void>;
}> {
  const outcomes: Outcome[] = [];
  const errors: unknown[] = [];
  const app = createPatchwrightApp({
    guardCheck: false,
    newRunId: () => `run-${++ids}`,
    onOutcome: (_e, o) => outcomes.push(o),
    onError: (_e, err) => errors.push(err),
    queue: () => recordingQueue(),
  });
  const probot: Probot = await testProbot(app.appFn);
  githubApi()
    .get("/app")
    .reply(200, appInfo("patchwright", { id: 1 }));
  return {
    outcomes,
    errors,
    async receive(payload) {
      await probot.receive({ id: `d-${++ids}`, name: "issue_comment", payload } as Parameters<
        Probot["receive"]
      >[0]);
      await app.idle();
    },
  };
}

/** A person's mention on issue 1, after `comments` comments. */
function mention(body: string, comments: number): Record<string, unknown> {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  Object.assign(payload["comment"] as object, { body, id: 7000 + ++ids });
  Object.assign(payload["issue"] as object, { comments });
  return { ...payload, installation: { id: 42, node_id: "x" } };
}

/** The thread so far: a request, then runs of ours, each but the last answered by one of `replies`. */
function thread(replies: string[]): object {
  const comments = [{ id: 10, body: "@patchwright fix the off-by-one in pagination", login: OWNER }];
  const run = (i: number): void => {
    const marker = renderMarker({ run: `run-old-${i}`, trigger: `issue_comment:${10 + 2 * i}` });
    comments.push({
      id: 11 + 2 * i,
      body: `✅ **patchwright** — opened #${i + 2}.\n\n${marker}`,
      login: "patchwright[bot]",
    });
  };
  replies.forEach((body, i) => {
    run(i);
    comments.push({ id: 12 + 2 * i, body, login: OWNER });
  });
  run(replies.length);
  // All before the example's comment (2019-05-15T15:20:21Z).
  return threadAnswer({
    comments: comments.map((c, i) => ({
      ...c,
      createdAt: `2019-05-15T15:1${Math.floor(i / 6)}:${10 + (i % 6)}Z`,
    })),
  });
}

function acknowledged(): { tracking: () => string } {
  let body = "";
  githubApi()
    .get(`${API_REPO}/issues/1/comments`)
    .query(true)
    .reply(200, [])
    .post(/\/reactions$/)
    .reply(201, reaction("eyes", { id: 1 }))
    .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((body = b.body), true))
    .reply(201, issueComment(930));
  return { tracking: () => body };
}

describe("the front door on a frustrated thread", () => {
  it("turns a change request into a plan, with a sorry on the tracking comment", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("");
    githubApi().post("/graphql").reply(200, thread([]));
    const ack = acknowledged();
    await h.receive(mention("@patchwright STILL BROKEN, FIX THE PAGINATION", 2));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([
      {
        status: "queued",
        request: {
          kind: "plan",
          courseChange:
            "Changed course: frustration noticed (it still does not work, capitals) — planned first instead of changing code.",
        },
      },
    ]);
    expect(ack.tracking()).toContain("Sorry this is taking several rounds");
  });

  it("changes nothing, and reads no thread, with features.frustrationSignals off", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("features:\n  frustrationSignals: false\n");
    const ack = acknowledged();
    await h.receive(mention("@patchwright still broken, fix the pagination", 2));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([{ status: "queued", request: { kind: "implement" } }]);
    const [outcome] = h.outcomes;
    expect(outcome?.status === "queued" && outcome.request.courseChange).toBe(undefined);
    expect(ack.tracking()).not.toContain("Sorry");
  });

  it("never changes an explicit command", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("");
    acknowledged();
    await h.receive(mention("@patchwright /plan STILL BROKEN, FIX THE PAGINATION", 2));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([{ status: "queued", request: { kind: "plan", command: "plan" } }]);
    const [outcome] = h.outcomes;
    expect(outcome?.status === "queued" && outcome.request.courseChange).toBe(undefined);
  });

  it("after 3 frustrated rounds, suggests a maintainer and queues no run", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("");
    githubApi()
      .post("/graphql")
      .reply(200, thread(["still broken", "wrong again"]));
    let reply = "";
    githubApi()
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((reply = b.body), true))
      .reply(201, issueComment(931));
    await h.receive(mention("@patchwright this is useless, try again", 6));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toEqual([{ status: "replied", reason: "frustrated rounds: suggested a maintainer" }]);
    expect(reply).toMatch(/^@Codertocat Sorry — 3 rounds on this thread have not helped/);
    expect(reply).toContain("A maintainer can take over");
  });

  it("reads no thread for the first comment on an issue", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("");
    acknowledged();
    await h.receive(mention("@patchwright this is still broken, fix the pagination", 0));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([{ status: "queued", request: { kind: "implement" } }]);
  });
});
