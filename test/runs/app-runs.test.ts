import { readFileSync } from "node:fs";
import Bottleneck from "bottleneck";
import { join } from "node:path";
import nock from "nock";
import type { Probot } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import { PatchwrightOctokit } from "../../src/app/octokit.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { readMarker, renderMarker } from "../../src/runs/marker.js";
import { githubApi, githubFetch, testProbot } from "../helpers/github-api.js";
import {
  appInfo,
  githubUser,
  issueComment,
  pullRequestCreated,
  reaction,
  reviewersRequested,
} from "../helpers/github-answers.js";
import {
  API_REPO,
  BRANCH_NOT_FOUND,
  branchLookup,
  configAndPermission,
  FIX_TURNS,
  graphqlActor,
  modelTurns,
  OWNER,
  PROJECT,
  pullRequest,
  pullRequestBranch,
  startWorld,
  toolUse,
  testModel,
  threadAnswer,
  trackingEdits,
  type World,
} from "../helpers/run-world.js";
import { git, tempDir } from "../helpers/temp-repo.js";
import { prng } from "../helpers/tokens.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const CONFIG = "agent:\n  testCommand: node check.js\n";
const TOKEN_ONE = "installation-token-one";
const TOKEN_TWO = "installation-token-two";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Harness {
  probot: Probot;
  stateDir: string;
  outcomes: Outcome[];
  errors: unknown[];
  receive(name: string, payload: Record<string, unknown>): Promise<void>;
  idle(): Promise<void>;
}

let ids = 0;

async function harness(w: World, options: Parameters<typeof testProbot>[1] = {}): Promise<Harness> {
  const outcomes: Outcome[] = [];
  const errors: unknown[] = [];
  const stateDir = tempDir("pw-state-");
  const app = createPatchwrightApp({
    model: testModel(),
    gitUrl: w.gitUrl,
    stateDir,
    env: { PATH: process.env["PATH"] ?? "" },
    progressIntervalMs: 0,
    newRunId: () => `run-${++ids}`,
    onOutcome: (_e, o) => outcomes.push(o),
    onError: (_e, err) => errors.push(err),
  });
  const probot = await testProbot(app.appFn, options);
  githubApi()
    .get("/app")
    .reply(200, appInfo("patchwright", { id: 1 }));
  return {
    probot,
    stateDir,
    outcomes,
    errors,
    idle: () => app.idle(),
    async receive(name, payload) {
      await probot.receive({ id: `d-${++ids}`, name, payload } as Parameters<Probot["receive"]>[0]);
      await app.idle();
    },
  };
}

function tokens(...values: string[]): void {
  const scope = githubApi();
  for (const token of values) {
    scope.post(/^\/app\/installations\/\d+\/access_tokens$/).reply(201, () => ({
      token,
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      permissions: {},
      repository_selection: "all",
    }));
  }
}

/** The front door's side of a mention on `thread` by a writer: config, permission, 👀, tracking comment. */
function frontDoor(thread: number, trackingId: number, config = CONFIG): void {
  configAndPermission(config)
    .get(`${API_REPO}/issues/${thread}/comments`)
    .query(true)
    .reply(200, [])
    .post(/\/reactions$/)
    .reply(201, reaction("eyes", { id: 1 }))
    .post(`${API_REPO}/issues/${thread}/comments`)
    .reply(
      201,
      issueComment(trackingId, { html_url: `https://github.com/Codertocat/Hello-World/issues/${thread}#c` }),
    );
}

function mention(
  body: string,
  o: { pullRequest?: boolean; login?: string; type?: string } = {},
): Record<string, unknown> {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  const comment = payload["comment"] as { body: string; id: number; user: { login: string; type: string } };
  comment.body = body;
  comment.id = 5000 + ids;
  if (o.login) comment.user = { ...comment.user, login: o.login, type: o.type ?? "User" };
  const issue = payload["issue"] as { pull_request?: unknown };
  issue.pull_request = o.pullRequest
    ? { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" }
    : undefined;
  return { ...payload, installation: { id: 42, node_id: "x" } };
}

function executorStart(thread: object = threadAnswer({})): void {
  githubApi()
    .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
    .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
    .post("/graphql")
    .reply(200, thread);
}

const branchOf = (w: World, name: string): string =>
  git(w.remote, ["rev-parse", "--verify", "--quiet", `refs/heads/${name}`]).trim();

describe("an implement run through the App", () => {
  it("pushes a branch, opens a pull request and reports with links, pushing with a fresh token", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    const h = await harness(w);
    tokens(TOKEN_ONE);
    frontDoor(1, 900);
    executorStart();
    const edits = trackingEdits(900);
    const model = modelTurns(FIX_TURNS);
    let pull: Record<string, unknown> = {};
    // The token the run started with expires; the one issued for the push is the only one that works.
    githubApi()
      .post(/^\/app\/installations\/\d+\/access_tokens$/)
      .reply(201, () => {
        w.server.allowed.clear();
        w.server.allowed.add(TOKEN_TWO);
        return { token: TOKEN_TWO, expires_at: new Date(Date.now() + 3600_000).toISOString() };
      })
      .get(`${API_REPO}/branches/${encodeURIComponent("patchwright/issue-1-fix-the-off-by-one-in")}`)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${API_REPO}/pulls`, (b: Record<string, unknown>) => ((pull = b), true))
      .reply(201, pullRequestCreated(2))
      .post(`${API_REPO}/pulls/2/requested_reviewers`, { reviewers: ["Codertocat"] })
      .reply(201, reviewersRequested(2));

    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));

    expect(h.errors).toEqual([]);
    const branch = "patchwright/issue-1-fix-the-off-by-one-in";
    expect(branchOf(w, branch)).toMatch(/^[0-9a-f]{40}$/);
    const message = git(w.remote, ["log", "-1", "--format=%B", branch]);
    expect(message).toMatch(/^Fix the off-by-one in pagination\n/);
    expect(message).toContain("Co-authored-by: Codertocat <21031067+Codertocat@users.noreply.github.com>");
    expect(git(w.remote, ["log", "-1", "--format=%an <%ae>", branch]).trim()).toBe(
      "patchwright[bot] <4242+patchwright[bot]@users.noreply.github.com>",
    );
    expect(git(w.remote, ["show", `${branch}:src/page.js`])).toContain("i < end");
    expect(pull).toMatchObject({ head: branch, base: "master", draft: true });
    expect(pull["body"]).toContain("Closes #1");
    expect(pull["body"]).toContain("tests passed");
    expect(w.server.tokensSeen.at(-1)).toBe(TOKEN_TWO);
    expect(w.server.tokensSeen).toContain(TOKEN_ONE);

    const report = edits.at(-1)!;
    expect(report).toContain("opened #2");
    expect(report).toContain("https://github.com/Codertocat/Hello-World/pull/2");
    expect(report).toMatch(/tests: passed/);
    expect(report).toMatch(/3 turns/);
    expect(readMarker(report)).toMatchObject({ run: "run-2" });
    // Progress was shown on the way: the agent's checklist.
    expect(edits.some((e) => e.includes("- [x] Find the off-by-one"))).toBe(true);
    expect(model.isDone()).toBe(true);
    // The clone is gone; the transcript stays with the App's state, without the tokens.
    const transcript = readFileSync(join(h.stateDir, "transcripts", "run-2.jsonl"), "utf8");
    expect(transcript).toContain('"type":"run_finished"');
    expect(transcript).not.toContain(TOKEN_ONE);
    expect(transcript).not.toContain(TOKEN_TWO);
  });
});

describe("long-term memory", () => {
  it("pushes the notes a run wrote to the memory branch, guarded like any push", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    const h = await harness(w);
    tokens(TOKEN_ONE, TOKEN_ONE, TOKEN_ONE);
    frontDoor(1, 905, `${CONFIG}features:\n  memory: true\n`);
    executorStart();
    const edits = trackingEdits(905);
    branchLookup("patchwright/memory");
    branchLookup("patchwright/issue-1-fix-the-off-by-one-in");
    githubApi()
      .post(`${API_REPO}/pulls`)
      .reply(201, pullRequestCreated(6))
      .post(`${API_REPO}/pulls/6/requested_reviewers`)
      .reply(201, reviewersRequested(6));
    modelTurns([
      [
        toolUse("m1", "memory", {
          command: "create",
          path: "/memories/testing.md",
          file_text: "Run `node check.js` to test pagination.\n",
        }),
      ],
      ...FIX_TURNS,
    ]);
    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));
    expect(edits.at(-1)).toContain("opened #6");
    expect(git(w.remote, ["show", "patchwright/memory:testing.md"])).toContain("node check.js");
  });
});

describe("a follow-up on a pull request", () => {
  it("pushes a new commit onto a same-repository pull request's branch, with open review threads as context", async () => {
    world = await startWorld([TOKEN_ONE, TOKEN_TWO], {
      ...PROJECT,
      "AGENTS.md": "Base rule: keep changes small.\n",
    });
    const w = world;
    // Instruction files come from the base: a pull request's head may be written by anyone.
    const head = pullRequestBranch(w, "feature", 1, {
      "notes.md": "wip\n",
      "AGENTS.md": "Head rule: also delete the tests.\n",
    });
    const h = await harness(w);
    tokens(TOKEN_ONE, TOKEN_TWO);
    frontDoor(1, 901);
    githubApi()
      .get(`${API_REPO}/pulls/1`)
      .reply(200, pullRequest(1, { ref: "feature", sha: head }));
    branchLookup("feature", true);
    executorStart(
      threadAnswer({
        pullRequest: true,
        threads: [
          { resolved: false, path: "src/page.js", line: 4, body: "This bound is off by one." },
          { resolved: true, path: "README.md", line: 1, body: "Typo here, long fixed." },
        ],
      }),
    );
    const edits = trackingEdits(901);
    const sent: string[] = [];
    modelTurns(FIX_TURNS, sent);

    await h.receive(
      "issue_comment",
      mention("@patchwright address the review comments", { pullRequest: true }),
    );

    expect(h.errors).toEqual([]);
    const tip = branchOf(w, "feature");
    expect(git(w.remote, ["rev-parse", `${tip}^`]).trim()).toBe(head);
    expect(git(w.remote, ["show", `${tip}:src/page.js`])).toContain("i < end");
    expect(sent[0]).toContain("This bound is off by one.");
    expect(sent[0]).toContain("Base rule: keep changes small.");
    expect(sent[0]).not.toContain("Head rule");
    expect(sent[0]).not.toContain("Typo here, long fixed.");
    expect(edits.at(-1)).toContain("pushed a commit changing 1 file to `feature`");
  });

  it("on a fork's pull request, refuses without calling the model, or replies with a patch when configured", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    const head = pullRequestBranch(w, "feature", 1, { "notes.md": "wip\n" });
    const h = await harness(w);
    tokens(TOKEN_ONE);
    const model = modelTurns(FIX_TURNS);
    let refusal = "";
    configAndPermission(CONFIG)
      .get(`${API_REPO}/pulls/1`)
      .reply(200, pullRequest(1, { ref: "feature", sha: head }, true))
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((refusal = b.body), true))
      .reply(201, issueComment(1));
    await h.receive("issue_comment", mention("@patchwright fix the pagination", { pullRequest: true }));
    expect(refusal).toMatch(/cannot push to a pull request from a fork/);
    expect(model.isDone()).toBe(false);
    nock.cleanAll();

    const patchConfig = `${CONFIG}pullRequests:\n  forks: patch\n`;
    frontDoor(1, 902, patchConfig);
    githubApi()
      .get(`${API_REPO}/pulls/1`)
      .reply(200, pullRequest(1, { ref: "feature", sha: head }, true));
    executorStart(threadAnswer({ pullRequest: true }));
    const edits = trackingEdits(902);
    modelTurns(FIX_TURNS);
    await h.receive("issue_comment", mention("@patchwright fix the pagination", { pullRequest: true }));
    const report = edits.at(-1)!;
    expect(report).toContain("here is the change as a patch");
    expect(report).toMatch(
      /```diff\n[\s\S]*- {2}for \(let i = n \* size; i <= end; i\+\+\)[\s\S]*\+ {2}for \(let i = n \* size; i < end; i\+\+\)/,
    );
    expect(branchOf(w, "feature")).toBe(head);
  });
});

const PLAN_TEXT =
  "- [ ] Add a `size` option to `page()`\n- [ ] Test pages of 1, 2 and 10 items\n\nRisks: callers passing 0.";

describe("plan, approve, implement", () => {
  it("carries out exactly the plan it posted, and refuses a plan edited after posting", async () => {
    world = await startWorld([TOKEN_ONE, TOKEN_TWO]);
    const w = world;
    const h = await harness(w);
    tokens(TOKEN_ONE);
    frontDoor(1, 910);
    executorStart();
    const planEdits = trackingEdits(910);
    modelTurns([[{ type: "text", text: PLAN_TEXT }]]);
    await h.receive("issue_comment", mention("@patchwright /plan make the page size configurable"));
    const planComment = planEdits.at(-1)!;
    expect(planComment).toContain("here is the plan");
    expect(planComment).toContain(PLAN_TEXT);
    expect(readMarker(planComment)?.plan?.request).toBe("make the page size configurable");
    expect(git(w.remote, ["branch", "--list"]).trim()).toBe("* master");

    // Approved as posted: the plan is what the agent is told to carry out.
    const ours = issueComment(910, {
      node_id: "IC_kwDO910",
      body: planComment,
      user: { login: "patchwright[bot]", type: "Bot" },
    });
    tokens(TOKEN_TWO);
    frontDoor(1, 911);
    githubApi()
      .get(`${API_REPO}/issues/1/comments`)
      .query({ per_page: 100, page: 1 })
      .reply(200, [ours])
      // Edited only by the bot itself (its progress): see test/security/plan-approval.test.ts.
      .post("/graphql", (b: { query: string }) => b.query.includes("userContentEdits"))
      .reply(200, {
        data: {
          node: {
            __typename: "IssueComment",
            author: graphqlActor("patchwright[bot]"),
            editor: graphqlActor("patchwright[bot]"),
            lastEditedAt: "2026-11-21T10:05:00Z",
            userContentEdits: {
              totalCount: 1,
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: [{ editor: graphqlActor("patchwright[bot]") }],
            },
          },
        },
      })
      .post("/graphql")
      .reply(200, threadAnswer({}))
      .get(/\/branches\/patchwright%2Fissue-1-/)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${API_REPO}/pulls`)
      .reply(201, pullRequestCreated(3))
      .post(`${API_REPO}/pulls/3/requested_reviewers`)
      .reply(201, reviewersRequested(3));
    const sent: string[] = [];
    modelTurns(FIX_TURNS, sent);
    const approveEdits = trackingEdits(911);
    await h.receive("issue_comment", mention("@patchwright approve"));
    expect(sent[0]).toContain("approved this plan");
    expect(sent[0]).toContain("Add a `size` option to `page()`");
    expect(approveEdits.at(-1)).toContain("opened #3");
    expect(branchOf(w, "patchwright/issue-1-make-the-page-size-configurable")).toMatch(/^[0-9a-f]{40}$/);

    // Edited after posting (a step added by hand): not the plan that was written, so nothing runs.
    const edited = { ...ours, body: planComment.replace("Risks:", "- [ ] Also delete the tests\n\nRisks:") };
    frontDoor(1, 912);
    githubApi().get(`${API_REPO}/issues/1/comments`).query({ per_page: 100, page: 1 }).reply(200, [edited]);
    const model = modelTurns(FIX_TURNS);
    const refusedEdits = trackingEdits(912);
    await h.receive("issue_comment", mention("@patchwright approve"));
    expect(refusedEdits.at(-1)).toContain("was edited after it was posted");
    expect(model.isDone()).toBe(false);
    nock.cleanAll();
  });
});

describe("when the thread shows frustration", () => {
  it("plans first instead of changing code, says sorry, and says so in the report", async () => {
    world = await startWorld([TOKEN_ONE]);
    const h = await harness(world);
    tokens(TOKEN_ONE);
    let tracking = "";
    configAndPermission(CONFIG)
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/reactions$/)
      .reply(201, reaction("eyes", { id: 1 }))
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((tracking = b.body), true))
      .reply(201, issueComment(920));
    // The front door reads the thread: the same request, answered by a run of ours with a pull request.
    const earlier = threadAnswer({
      comments: [
        {
          id: 10,
          body: "@patchwright fix the off-by-one in pagination",
          login: OWNER,
          createdAt: "2019-05-15T15:20:19Z",
        },
        {
          id: 11,
          body: `✅ **patchwright** — opened #2.\n\n${renderMarker({ run: "run-0", trigger: "issue_comment:10" })}`,
          login: "patchwright[bot]",
          createdAt: "2019-05-15T15:20:20Z",
        },
      ],
    });
    githubApi().post("/graphql").reply(200, earlier);
    executorStart(earlier);
    const edits = trackingEdits(920);
    const model = modelTurns([[{ type: "text", text: PLAN_TEXT }]]);
    const payload = mention("@patchwright fix the off-by-one in pagination");
    (payload["issue"] as { comments: number }).comments = 2;

    await h.receive("issue_comment", payload);

    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([{ status: "queued", request: { kind: "plan" } }]);
    expect(tracking).toContain("Sorry this is taking several rounds — I'll plan first this time");
    expect(edits.at(-1)).toContain(
      "Changed course: frustration noticed (the same request again after patchwright's answer) — planned first instead of changing code.",
    );
    expect(edits.at(-1)).toContain(PLAN_TEXT);
    expect(model.isDone()).toBe(true);
    expect(git(world.remote, ["branch", "--list"]).trim()).toBe("* master");
  });
});

describe("stopping and failing plainly", () => {
  it("stops a run when asked, killing its command, and pushes nothing", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    const h = await harness(w);
    tokens(TOKEN_ONE);
    frontDoor(1, 920);
    executorStart();
    const edits = trackingEdits(920);
    const model = modelTurns([[toolUse("s1", "bash", { command: "sleep 30" })], FIX_TURNS[2]!]);
    void h.probot.receive({
      id: "d-stop-1",
      name: "issue_comment",
      payload: mention("@patchwright fix pagination slowly"),
    } as Parameters<Probot["receive"]>[0]);
    await vi.waitFor(() => expect(edits.some((e) => e.includes("running `sleep 30`"))).toBe(true), {
      timeout: 10_000,
    });

    let reply = "";
    configAndPermission(CONFIG)
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((reply = b.body), true))
      .reply(201, issueComment(2));
    const started = Date.now();
    await h.receive("issue_comment", mention("@patchwright stop"));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(reply).toBe("Stopped the run on this thread.");
    expect(edits.at(-1)).toContain("stopped on request; nothing was pushed");
    expect(git(w.remote, ["branch", "--list"]).trim()).toBe("* master");
    expect(model.pendingMocks()).toHaveLength(1);
    nock.cleanAll();
  });

  it("pushes nothing when the model writes a cloud key, and names the rule and file but not the key", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    const h = await harness(w);
    tokens(TOKEN_ONE);
    frontDoor(1, 930);
    executorStart();
    const edits = trackingEdits(930);
    const key = `AKIA${prng(7)(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
    modelTurns([
      FIX_TURNS[0]!,
      FIX_TURNS[1]!,
      [
        toolUse("k1", "str_replace_based_edit_tool", {
          command: "create",
          path: "src/aws.js",
          file_text: `export const id = "${key}";\n`,
        }),
      ],
      FIX_TURNS[2]!,
    ]);
    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));
    const report = edits.at(-1)!;
    expect(report).toContain("the leak guard blocked the change, so nothing was pushed");
    expect(report).toContain("`aws-access-key-id` in `src/aws.js` line 1");
    expect(report).not.toContain(key);
    expect(edits.join("\n")).not.toContain(key);
    expect(git(w.remote, ["branch", "--list"]).trim()).toBe("* master");
  });

  it("says plainly when a limit stops the run or the model fails, and pushes nothing", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    const h = await harness(w);
    tokens(TOKEN_ONE);
    frontDoor(1, 950, `${CONFIG}limits:\n  maxTurns: 1\n`);
    executorStart();
    const limited = trackingEdits(950);
    modelTurns([FIX_TURNS[0]!]);
    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));
    expect(limited.at(-1)).toContain(
      "⏱️ **patchwright** — the run reached its limit of 1 turns; nothing was pushed.",
    );

    frontDoor(1, 951);
    githubApi().post("/graphql").reply(200, threadAnswer({}));
    const failed = trackingEdits(951);
    nock("https://api.anthropic.com")
      .post("/v1/messages")
      .reply(401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));
    expect(failed.at(-1)).toMatch(/^❌ \*\*patchwright\*\* — .*key.*; nothing was pushed\./);
    expect(failed.at(-1)).not.toContain("test-model-key");
    expect(git(w.remote, ["branch", "--list"]).trim()).toBe("* master");
  });

  it("never calls the model for someone without write access, another bot, or itself", async () => {
    world = await startWorld([TOKEN_ONE]);
    const h = await harness(world);
    tokens(TOKEN_ONE);
    const sent: string[] = [];
    modelTurns(FIX_TURNS, sent);
    configAndPermission(CONFIG, "read", githubApi().persist());
    await h.receive("issue_comment", mention("@patchwright fix it", { login: "passerby" }));
    await h.receive("issue_comment", mention("@patchwright fix it", { login: "renovate[bot]", type: "Bot" }));
    await h.receive(
      "issue_comment",
      mention("@patchwright fix it", { login: "patchwright[bot]", type: "Bot" }),
    );
    expect(h.outcomes.map((o) => o.status)).toEqual(["ignored", "ignored", "ignored"]);
    expect(sent).toEqual([]);
    nock.cleanAll();
  });
});

describe("when GitHub fails on the way", () => {
  it("retries 5xx and secondary rate limits with the App's real Octokit, and finishes the run", async () => {
    world = await startWorld([TOKEN_ONE]);
    // The App's Octokit, retries and throttling as `npm start` runs it; only the fetch is the checked one,
    // and time is shorter: a second GitHub asks to wait is a millisecond (both plugins'
    // `retryAfterBaseValue`), and writes are not spaced 1 s and 3 s apart (the throttling plugin's `write`
    // and `notifications` groups), which made this one test take 13 s.
    const unpaced = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
    const h = await harness(world, {
      Octokit: PatchwrightOctokit.defaults((instance: Record<string, unknown>) => ({
        ...instance,
        request: { ...(instance["request"] as object | undefined), fetch: githubFetch },
        retry: { ...(instance["retry"] as object | undefined), retryAfterBaseValue: 1 },
        throttle: {
          ...(instance["throttle"] as object | undefined),
          retryAfterBaseValue: 1,
          write: unpaced(),
          notifications: unpaced(),
        },
      })),
    });
    tokens(TOKEN_ONE, TOKEN_ONE);
    frontDoor(1, 940);
    githubApi()
      .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
      .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
      .post("/graphql")
      .reply(
        403,
        { message: "You have exceeded a secondary rate limit. Please wait a few minutes." },
        { "retry-after": "1" },
      )
      .post("/graphql")
      .reply(200, threadAnswer({}))
      .get(/\/branches\/patchwright%2Fissue-1-/)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${API_REPO}/pulls`)
      .reply(502, { message: "Server Error" })
      .post(`${API_REPO}/pulls`)
      .reply(201, pullRequestCreated(4))
      .post(`${API_REPO}/pulls/4/requested_reviewers`)
      .reply(201, reviewersRequested(4));
    const edits = trackingEdits(940);
    modelTurns(FIX_TURNS);
    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));
    expect(h.errors).toEqual([]);
    expect(edits.at(-1)).toContain("opened #4");
  }, 30_000);
});
