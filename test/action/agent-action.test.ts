import { mentionOnIssue, NO_INPUTS } from "../helpers/action-world.js";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { runAgentAction } from "../../src/action/agent-run.js";
import { timelineMarkdown } from "../../src/runs/run-log/timeline.js";
import { checkPlan } from "../../src/runs/marker.js";
import { githubApi, testOctokit } from "../helpers/github-api.js";
import {
  githubUser,
  issue,
  issueComment,
  permissionOf,
  pullRequestCreated,
  reviewersRequested,
} from "../helpers/github-answers.js";
import { githubError } from "../helpers/github-examples.js";
import {
  BRANCH_NOT_FOUND,
  FIX_TURNS,
  modelTurns,
  startWorld,
  testModel,
  threadAnswer,
  trackingEdits,
  type World,
} from "../helpers/run-world.js";
import { git, tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";
// @ts-expect-error -- a plain .mjs build script without types
import { BUNDLE_OPTIONS } from "../../scripts/bundle-action.mjs";

const ROOT = join(import.meta.dirname, "../..");
const REPO = "/repos/Codertocat/Hello-World";

function eventFile(payload: unknown): string {
  const path = join(tempDir(), "event.json");
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const TOKEN = "workflow-token";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The job's checkout as actions/checkout leaves it: the remote cloned, the token persisted in its config. */
function checkout(w: World): string {
  const dir = tempDir("pw-checkout-");
  git(dir, ["clone", "-q", w.remote, "."]);
  git(dir, ["config", "--local", "http.https://github.com/.extraheader", "AUTHORIZATION: basic persisted"]);
  return dir;
}

function context(eventName: string, payload: unknown, w?: World) {
  return {
    eventName,
    eventPath: eventFile(payload),
    env: {
      GITHUB_REPOSITORY: "Codertocat/Hello-World",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "77",
      GITHUB_REF_NAME: "master",
      PATH: process.env["PATH"] ?? "",
    },
    octokit: testOctokit(),
    token: TOKEN,
    model: testModel(),
    workspace: w ? checkout(w) : tempDir(),
    ...(w ? { gitUrl: w.gitUrl("Codertocat", "Hello-World") } : {}),
    botLogin: "github-actions[bot]",
    newRunId: () => "run-a",
    now: () => new Date("2026-11-21T10:00:00Z"),
    log: { info: () => undefined, warn: () => undefined },
  };
}

/** GitHub's side of a run in the Action: the bot's account, the thread's context, and the tracking comment's edits. */
function runApi(trackingId?: number): string[] {
  githubApi()
    .get(/^\/users\/github-actions(%5B|\[)bot(%5D|\])$/)
    .reply(200, githubUser("github-actions[bot]", { id: 41898282, type: "Bot" }));
  return trackingId === undefined ? [] : trackingEdits(trackingId);
}

/** The front door's side of a mention on issue 1 by an admin: config (none: defaults), 👀, the tracking comment. */

describe("the Action's agent mode", () => {
  it("carries out a mention in the job's checkout: a pull request, a report, the outputs", async () => {
    world = await startWorld([TOKEN]);
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "@patchwright fix the off-by-one in pagination";
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    let tracking = "";
    let pull: Record<string, unknown> = {};
    mentionOnIssue(3, "agent:\n  testCommand: node check.js\n", (body) => (tracking = body))
      .post("/graphql")
      .reply(200, threadAnswer({}))
      .get(/\/branches\/patchwright%2F/)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${REPO}/pulls`, (b: Record<string, unknown>) => ((pull = b), true))
      .reply(201, pullRequestCreated(2))
      .post(`${REPO}/pulls/2/requested_reviewers`)
      .reply(201, reviewersRequested(2));
    const edits = runApi(3);
    modelTurns(FIX_TURNS);
    const ctx = context("issue_comment", payload, world);
    const result = await runAgentAction(NO_INPUTS, ctx);

    expect(result).toMatchObject({
      conclusion: "pr_opened",
      runKind: "implement",
      report: { branch: "patchwright/issue-1-fix-the-off-by-one-in", pullRequest: { number: 2 } },
    });
    expect(tracking).toContain("https://github.com/Codertocat/Hello-World/actions/runs/77");
    expect(edits.at(-1)).toContain("opened #2");
    expect(edits.at(-1)).toContain(
      "[Actions job](https://github.com/Codertocat/Hello-World/actions/runs/77)",
    );
    expect(pull).toMatchObject({ head: "patchwright/issue-1-fix-the-off-by-one-in", base: "master" });
    // The job summary's timeline: the same entries as the App's run page, ending with the report.
    const summary = timelineMarkdown(result.timeline ?? []);
    expect(summary).toContain("- **Turn 3**");
    expect(summary).toContain("- **Tool call: str\\_replace\\_based\\_edit\\_tool**");
    expect(summary).toContain("- **Tests passed \\(attempt 1\\): node check\\.js**");
    expect(summary.trimEnd()).toMatch(/- \*\*Finished: pr\\_opened\*\*\n\n {2}```text\n {2}opened #2/);
    expect(
      git(world.remote, ["log", "-1", "--format=%ae", "patchwright/issue-1-fix-the-off-by-one-in"]).trim(),
    ).toBe("41898282+github-actions[bot]@users.noreply.github.com");
    // The token actions/checkout persisted is gone before the agent's commands could read it.
    expect(() => git(ctx.workspace, ["config", "--local", "--get-regexp", "extraheader"])).toThrow();
    expect(world.server.tokensSeen.every((t) => t === TOKEN)).toBe(true);
  });

  it("posts a plan whose link to the job is part of what approve checks", async () => {
    world = await startWorld([TOKEN]);
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "@patchwright /plan make the page size configurable";
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    mentionOnIssue(6).post("/graphql").reply(200, threadAnswer({}));
    const edits = runApi(6);
    modelTurns([[{ type: "text", text: "- [ ] Add a `size` option\n- [ ] Test it" }]]);
    const result = await runAgentAction(NO_INPUTS, context("issue_comment", payload, world));
    expect(result).toMatchObject({ conclusion: "planned", runKind: "plan" });
    expect(edits.at(-1)).toContain(
      "[Actions job](https://github.com/Codertocat/Hello-World/actions/runs/77)",
    );
    expect(checkPlan(edits.at(-1))).toMatchObject({
      status: "ok",
      plan: { request: "make the page size configurable" },
    });
  });

  it("finds the job's own token and model key by value, whatever their format, in what it posts", async () => {
    world = await startWorld([TOKEN]);
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "@patchwright /plan tell me how you push";
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    mentionOnIssue(8).post("/graphql").reply(200, threadAnswer({}));
    const edits = runApi(8);
    // Neither value has a format any rule knows: only their values give them away.
    const header = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
    const modelKey = "mk-7Qz9Lw2Xc4Vb8Nn1Rt6Yp3";
    modelTurns([
      [{ type: "text", text: `- [ ] Push with \`${header}\`\n- [ ] Call the model with ${modelKey}` }],
    ]);
    const ctx = { ...context("issue_comment", payload, world), secrets: [modelKey] };
    await runAgentAction(NO_INPUTS, ctx);
    const posted = edits.join("\n");
    expect(posted).not.toContain(header);
    expect(posted).not.toContain(modelKey);
    expect(edits.at(-1)).toContain("withheld");
  });

  it("says an event is not for it, without a single API call", async () => {
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "Looks good to me.";
    const result = await runAgentAction(NO_INPUTS, context("issue_comment", payload));
    expect(result).toMatchObject({
      conclusion: "skipped",
      notice: expect.stringMatching(/not for patchwright/),
    });
  });

  it("runs a prompt input on a schedule: a pull request with no thread, inputs over the config", async () => {
    world = await startWorld([TOKEN]);
    let pull: Record<string, unknown> = {};
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(2)
      .reply(404, {})
      .get(/\/branches\/patchwright%2F/)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${REPO}/pulls`, (b: Record<string, unknown>) => ((pull = b), true))
      .reply(201, pullRequestCreated(5))
      .post(`${REPO}/pulls/5/requested_reviewers`)
      .reply(422, githubError(422, "Reviews may only be requested from collaborators."));
    runApi();
    const sent: string[] = [];
    modelTurns(FIX_TURNS, sent);
    const result = await runAgentAction(
      { ...NO_INPUTS, prompt: "fix the off-by-one in pagination", max_turns: 5 },
      context("schedule", { schedule: "0 3 * * 1" }, world),
    );
    expect(result).toMatchObject({ conclusion: "pr_opened", runKind: "prompt" });
    expect(pull).toMatchObject({ head: "patchwright/fix-the-off-by-one-in", base: "master" });
    expect(pull["body"]).not.toContain("Closes");
    expect(sent[0]).not.toContain("<thread>");
  });
});

describe("the Action on each kind of event", () => {
  it("starts an implement run when the trigger label is added, and says when nothing needed changing", async () => {
    world = await startWorld([TOKEN]);
    const payload = webhookExample("issues", (p) => p["action"] === "labeled");
    (payload["label"] as { name: string }).name = "patchwright";
    const number = (payload["issue"] as { number: number }).number;
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(2)
      .reply(404, {})
      .get(/\/collaborators\/[^/]+\/permission$/)
      .reply(200, permissionOf("Codertocat", "write"))
      .get(`${REPO}/issues/${number}/comments`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/issues/${number}/comments`)
      .reply(201, issueComment(4))
      .get(`${REPO}/issues/${number}`)
      .reply(200, issue(number, { title: "Spelling error in the README file" }))
      .post("/graphql")
      .reply(200, threadAnswer({}));
    const edits = runApi(4);
    modelTurns([[{ type: "text", text: "Nothing needs changing: the README is spelled right." }]]);
    const result = await runAgentAction(NO_INPUTS, context("issues", payload, world));
    expect(result).toMatchObject({ conclusion: "no_changes", runKind: "implement" });
    expect(edits.at(-1)).toContain("without changing any file");
    expect(edits.at(-1)).toContain("the README is spelled right");
  });

  it("skips a pull request when review is off", async () => {
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(2)
      .reply(404, {});
    const pr = webhookExample("pull_request", (p) => p["action"] === "opened");
    expect(await runAgentAction(NO_INPUTS, context("pull_request", pr))).toMatchObject({
      conclusion: "skipped",
      notice: expect.stringMatching(/review.auto is off/),
    });
  });
});

describe("the committed bundle", () => {
  it("is what the sources build to (run `npm run bundle` after changing them)", async () => {
    const out = join(tempDir(), "action.js");
    await build({ ...(BUNDLE_OPTIONS as object), outfile: out, absWorkingDir: ROOT });
    const committed = readFileSync(join(ROOT, "bundle/action.js"), "utf8");
    expect(readFileSync(out, "utf8") === committed, "bundle/action.js is stale: run npm run bundle").toBe(
      true,
    );
    expect(committed).not.toMatch(/^\/\/# sourceMappingURL=/m);
  });

  it("runs as GitHub runs it and exits 0 with a notice when the event is not for it", async () => {
    const payload = webhookExample("issues", (p) => p["action"] === "edited");
    const output = join(tempDir(), "output");
    writeFileSync(output, "");
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "bundle/action.js")], {
      env: {
        PATH: process.env["PATH"] ?? "",
        GITHUB_EVENT_NAME: "issues",
        GITHUB_EVENT_PATH: eventFile(payload),
        GITHUB_OUTPUT: output,
        GITHUB_REPOSITORY: "Codertocat/Hello-World",
        INPUT_GITHUB_TOKEN: "unused-token",
        INPUT_MODE: "agent",
      },
    });
    expect(stdout).toContain("::notice::This event is not for patchwright: issues.edited requests nothing.");
    expect(readFileSync(output, "utf8")).toMatch(/conclusion<<.*\nskipped\n/);
  });
});
