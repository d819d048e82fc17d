// The front door on a frustrated thread, with GitHub's real webhook payloads: what it queues or answers.
// The run that follows (a plan, its report) is in app-runs.test.ts.
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { renderMarker } from "../../src/runs/marker.js";
import { githubApi, graphqlReply, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { appInfo, issueComment, reaction } from "../helpers/github-answers.js";
import { memoryQueue, recordingQueue } from "../helpers/recording-queue.js";
import { API_REPO, configAndPermission, OWNER, pullRequest, threadAnswer } from "../helpers/run-world.js";
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
    runQueue: () => recordingQueue(),
    queue: memoryQueue(),
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

/** A person's mention on issue 1 (or pull request 1), after `comments` comments. */
function mention(body: string, comments: number, pullRequest = false): Record<string, unknown> {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  Object.assign(payload["comment"] as object, { body, id: 7000 + ++ids });
  Object.assign(payload["issue"] as object, {
    comments,
    pull_request: pullRequest
      ? { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" }
      : undefined,
  });
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

/** A commit on the pull request as GitHub's GraphQL gives it; an App bot's commit has no user behind it. */
function commit(oid: string, message: string, by: "patchwright" | "person"): object {
  return {
    commit: {
      oid,
      message,
      authoredDate: "2019-05-15T15:12:00Z",
      author:
        by === "patchwright"
          ? { name: "patchwright[bot]", email: "4242+patchwright[bot]@users.noreply.github.com", user: null }
          : { name: "Codertocat", email: "codertocat@example.com", user: { login: OWNER } },
    },
  };
}

/** Pull request 1's thread (`thread([])`'s comments) and its commits, answered through GitHub's schema. */
function pullRequestThread(commits: object[]): ReturnType<typeof graphqlReply> {
  const { data } = thread([]) as { data: { repository: { issueOrPullRequest: object } } };
  return graphqlReply({
    repository: {
      issueOrPullRequest: {
        ...data.repository.issueOrPullRequest,
        __typename: "PullRequest",
        reviewThreads: { nodes: [] },
        commits: { nodes: commits },
      },
    },
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

  it("turns a change request into a plan when someone reverted patchwright's commit on the pull request", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("");
    const ours = "a".repeat(40);
    githubApi()
      .get(`${API_REPO}/pulls/1`)
      .reply(200, pullRequest(1, { ref: "feature", sha: "f".repeat(40) }))
      .post("/graphql")
      .reply(
        pullRequestThread([
          commit(ours, "Fix the off-by-one in pagination", "patchwright"),
          commit(
            "c".repeat(40),
            `Revert "Fix the off-by-one in pagination"\n\nThis reverts commit ${ours}.`,
            "person",
          ),
        ]),
      );
    const ack = acknowledged();
    await h.receive(mention("@patchwright fix the pagination without touching the page size", 2, true));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([
      {
        status: "queued",
        request: {
          kind: "plan",
          courseChange:
            "Changed course: frustration noticed (patchwright's commit was reverted) — planned first instead of changing code.",
        },
      },
    ]);
    expect(ack.tracking()).toContain("Sorry this is taking several rounds");
  });

  it("does not take a revert of someone else's commit for frustration", async () => {
    const h = await frontDoor();
    mockInstallationToken();
    configAndPermission("");
    const theirs = "b".repeat(40);
    githubApi()
      .get(`${API_REPO}/pulls/1`)
      .reply(200, pullRequest(1, { ref: "feature", sha: "f".repeat(40) }))
      .post("/graphql")
      .reply(
        pullRequestThread([
          commit("a".repeat(40), "Fix the off-by-one in pagination", "patchwright"),
          commit(theirs, "Rename the page size option", "person"),
          commit(
            "c".repeat(40),
            `Revert "Rename the page size option"\n\nThis reverts commit ${theirs}.`,
            "person",
          ),
        ]),
      );
    acknowledged();
    await h.receive(mention("@patchwright fix the pagination without touching the page size", 2, true));
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([{ status: "queued", request: { kind: "implement" } }]);
    const [outcome] = h.outcomes;
    expect(outcome?.status === "queued" && outcome.request.courseChange).toBe(undefined);
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
