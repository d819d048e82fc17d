import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { runAgentAction, type AgentInputs } from "../../src/action/agent-run.js";
import { githubApi, testOctokit } from "../helpers/github-api.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";
// @ts-expect-error -- a plain .mjs build script without types
import { BUNDLE_OPTIONS } from "../../scripts/bundle-action.mjs";

const ROOT = join(import.meta.dirname, "../..");
const REPO = "/repos/Codertocat/Hello-World";
const NO_INPUTS: AgentInputs = {
  triggerPhrase: "",
  prompt: "",
  model: "",
  maxTurns: "",
  maxCostUsd: "",
  timeoutMinutes: "",
  forbiddenTerms: "",
  configPath: "",
};

function eventFile(payload: unknown): string {
  const path = join(tempDir(), "event.json");
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

function context(eventName: string, payload: unknown) {
  return {
    eventName,
    eventPath: eventFile(payload),
    env: {
      GITHUB_REPOSITORY: "Codertocat/Hello-World",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "77",
    },
    octokit: testOctokit(),
    botLogin: "github-actions[bot]",
    newRunId: () => "run-a",
    now: () => new Date("2026-11-21T10:00:00Z"),
    log: { info: () => undefined, warn: () => undefined },
  };
}

describe("the Action's agent mode", () => {
  it("acknowledges a mention with a link to the job and reports that the run is not built yet", async () => {
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "@patchwright /plan migrate the uploader to streams";
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    let tracking = "";
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(2)
      .reply(404, {})
      .get(/\/collaborators\/Codertocat\/permission$/)
      .reply(200, { permission: "admin", role_name: "admin" })
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/issues\/comments\/\d+\/reactions$/)
      .reply(201, {})
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => ((tracking = b.body), true))
      .reply(201, { id: 3, html_url: "u" })
      .patch(`${REPO}/issues/comments/3`)
      .reply(200, {});
    const result = await runAgentAction(NO_INPUTS, context("issue_comment", payload));
    expect(result).toMatchObject({ conclusion: "not_implemented", runKind: "plan" });
    expect(tracking).toContain("https://github.com/Codertocat/Hello-World/actions/runs/77");
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

  it("runs a prompt input on a schedule, and lets inputs override the config", async () => {
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(2)
      .reply(404, {});
    const result = await runAgentAction(
      { ...NO_INPUTS, prompt: "update the changelog", maxTurns: "5" },
      context("schedule", { schedule: "0 3 * * 1" }),
    );
    expect(result).toMatchObject({ conclusion: "not_implemented", runKind: "prompt" });
  });
});

describe("the Action on each kind of event", () => {
  it("starts an implement run when the trigger label is added", async () => {
    const payload = webhookExample("issues", (p) => p["action"] === "labeled");
    (payload["label"] as { name: string }).name = "patchwright";
    const number = (payload["issue"] as { number: number }).number;
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(2)
      .reply(404, {})
      .get(/\/collaborators\/[^/]+\/permission$/)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`${REPO}/issues/${number}/comments`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/issues/${number}/comments`)
      .reply(201, { id: 4, html_url: "u" })
      .patch(`${REPO}/issues/comments/4`)
      .reply(200, {});
    const result = await runAgentAction(NO_INPUTS, context("issues", payload));
    expect(result).toMatchObject({ conclusion: "not_implemented", runKind: "implement" });
  });

  it("runs a manual dispatch's prompt, and skips a pull request when review is off", async () => {
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .query(true)
      .times(4)
      .reply(404, {});
    const dispatch = webhookExample("workflow_dispatch");
    dispatch["inputs"] = { prompt: "bump the lockfile" };
    expect(await runAgentAction(NO_INPUTS, context("workflow_dispatch", dispatch))).toMatchObject({
      conclusion: "not_implemented",
      runKind: "prompt",
    });
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
