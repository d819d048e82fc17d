import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { githubApi, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { appInfo, githubUser, issueComment } from "../helpers/github-answers.js";
import { githubExample } from "../helpers/github-examples.js";
import {
  API_REPO,
  configAndPermission,
  modelTurns,
  pullRequest,
  pullRequestBranch,
  repoConfig,
  startWorld,
  testModel,
  toolUse,
  type World,
} from "../helpers/run-world.js";
import { git, tempDir } from "../helpers/temp-repo.js";
import { TEST_INSTALLATION_TOKEN } from "../helpers/github-api.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const CONFIG = "review:\n  auto: true\n";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function app(
  w: World,
): Promise<{ probot: Probot; outcomes: Outcome[]; receive(name: string, payload: object): Promise<void> }> {
  const outcomes: Outcome[] = [];
  const patchwright = createPatchwrightApp({
    // The leak guard check has its own tests (test/runs/app-guard-check.test.ts).
    guardCheck: false,
    model: testModel(),
    gitUrl: w.gitUrl,
    stateDir: tempDir("pw-state-"),
    env: { PATH: process.env["PATH"] ?? "" },
    onOutcome: (_e, o) => outcomes.push(o),
  });
  const probot = await testProbot(patchwright.appFn);
  githubApi()
    .get("/app")
    .reply(200, appInfo("patchwright", { id: 1 }));
  return {
    probot,
    outcomes,
    async receive(name, payload) {
      await probot.receive({ id: `d-${Math.random()}`, name, payload } as Parameters<Probot["receive"]>[0]);
      await patchwright.idle();
    },
  };
}

describe("automatic review through the App", () => {
  it("reviews an opened pull request with one review on the changed line and one summary comment", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const w = world;
    const head = pullRequestBranch(w, "changes", 2, {
      "src/page.js":
        "export function page(items, size, n) {\n  const out = [];\n  const end = Math.min(items.length, (n + 1) * size);\n  for (let i = n * size; i <= end; i++) out.push(items[i]);\n  console.log(out);\n  return out;\n}\n",
    });
    const base = git(w.remote, ["rev-parse", "master"]).trim();
    const h = await app(w);
    mockInstallationToken();
    repoConfig(CONFIG);
    const payload = webhookExample("pull_request", (p) => p["action"] === "opened");
    const pr = payload["pull_request"] as { head: { sha: string } };
    pr.head.sha = head;
    let review: {
      commit_id?: string;
      event?: string;
      comments?: { path: string; line: number; body: string }[];
    } = {};
    let summary = "";
    const patch =
      "@@ -2,5 +2,6 @@ export function page(items, size, n) {\n   const out = [];\n   const end = Math.min(items.length, (n + 1) * size);\n   for (let i = n * size; i <= end; i++) out.push(items[i]);\n+  console.log(out);\n   return out;\n }";
    githubApi()
      .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
      .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
      .get(`${API_REPO}/pulls/2`)
      .reply(200, pullRequest(2, { ref: "changes", sha: head }, false, base))
      .get(`${API_REPO}/issues/2/comments`)
      .query(true)
      .times(2)
      .reply(200, [])
      .get(`${API_REPO}/pulls/2/files`)
      .query(true)
      .reply(
        200,
        githubExample("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", 200, [
          {
            sha: "a".repeat(40),
            filename: "src/page.js",
            status: "modified",
            additions: 1,
            deletions: 0,
            changes: 1,
            patch,
          },
        ]),
      )
      .get(`${API_REPO}/pulls/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`${API_REPO}/pulls/2/reviews`, (b: typeof review) => ((review = b), true))
      .reply(
        200,
        githubExample("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", 200, {
          id: 77,
          html_url: "https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-77",
        }),
      )
      .post(`${API_REPO}/issues/2/comments`, (b: { body: string }) => ((summary = b.body), true))
      .reply(201, issueComment(78, { body: "", user: { login: "patchwright[bot]", type: "Bot" } }));
    modelTurns([
      [
        toolUse("r1", "report_findings", {
          summary: "Logs every page it builds.",
          files: [{ path: "src/page.js", note: "Adds a debug log." }],
          findings: [
            {
              path: "src/page.js",
              line: 5,
              severity: "minor",
              category: "maintainability",
              title: "Debug logging left in",
              body: "`console.log(out)` prints every page to the server's log.",
            },
          ],
        }),
      ],
      [toolUse("s1", "score_findings", { scores: [{ index: 1, score: 8, reason: "real" }] })],
    ]);

    await h.receive("pull_request", { ...payload, installation: { id: 42, node_id: "x" } });

    expect(h.outcomes).toMatchObject([{ status: "queued", request: { kind: "review" } }]);
    expect(review).toMatchObject({ commit_id: head, event: "COMMENT" });
    expect(review.comments).toHaveLength(1);
    expect(review.comments![0]).toMatchObject({ path: "src/page.js", line: 5 });
    expect(review.comments![0]!.body).toContain("Debug logging left in");
    expect(summary).toContain("Logs every page it builds.");
  });

  it("pauses and resumes automatic review on a pull request when asked", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const h = await app(world);
    mockInstallationToken();
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "@patchwright pause";
    (payload["issue"] as { pull_request?: unknown }).pull_request = { url: "u" };
    let marker = "";
    let reply = "";
    configAndPermission(CONFIG)
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((marker = b.body), true))
      .reply(201, issueComment(90))
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((reply = b.body), true))
      .reply(201, issueComment(91));
    await h.receive("issue_comment", { ...payload, installation: { id: 42, node_id: "x" } });
    expect(marker).toMatch(/<!-- patchwright:review \{[^\n]*"paused":true/);
    expect(reply).toContain("Automatic review is paused on this pull request");

    (payload["comment"] as { body: string; id: number }).body = "@patchwright resume";
    (payload["comment"] as { id: number }).id += 1;
    let resumed = "";
    configAndPermission(CONFIG)
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [issueComment(90, { body: marker, user: { login: "patchwright[bot]", type: "Bot" } })])
      .patch(`${API_REPO}/issues/comments/90`, (b: { body: string }) => ((resumed = b.body), true))
      .reply(200, issueComment(90))
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((reply = b.body), true))
      .reply(201, issueComment(92));
    await h.receive("issue_comment", { ...payload, installation: { id: 42, node_id: "x" } });
    expect(resumed).not.toContain('"paused":true');
    expect(reply).toContain("Automatic review is on again");
  });
});
