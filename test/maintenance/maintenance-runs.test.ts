// Maintenance runs end to end through the Action: a real repository served as GitHub's git remote, the
// Anthropic API stubbed at HTTP, GitHub's REST answers checked against its OpenAPI description, and a
// fixed clock. Real `schedule` and `workflow_dispatch` payloads start them.
import type nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { runAgentAction } from "../../src/action/agent-run.js";
import { taskHash } from "../../src/maintenance/task-identity.js";
import { readTaskRecord, renderTaskRecord, type TaskRecord } from "../../src/maintenance/task-record.js";
import { actionContext, NO_INPUTS } from "../helpers/action-world.js";
import { githubApi } from "../helpers/github-api.js";
import { configFile, githubUser, pullRequestCreated } from "../helpers/github-answers.js";
import { githubExample } from "../helpers/github-examples.js";
import { BRANCH_NOT_FOUND, FIX_TURNS, modelTurns, startWorld, type World } from "../helpers/run-world.js";
import { git, tempDir, writeFiles } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const REPO = "/repos/Codertocat/Hello-World";
const TOKEN = "workflow-token";
const BRANCH = "patchwright/maintenance/fix-paging";
const BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com";
const NOW = "2026-11-23T10:30:00Z";
const PROMPT = "Fix the off-by-one in pagination";
const TASK = { name: "fix-paging", prompt: PROMPT, paths: ["src/**"] };

const config = (
  o: {
    prompt?: string;
    paths?: string;
    limits?: string;
    schedule?: string;
    tests?: boolean;
  } = {},
): string =>
  [
    ...(o.tests === false ? [] : ["agent:", "  testCommand: node check.js"]),
    "maintenance:",
    "  tasks:",
    "    - name: fix-paging",
    `      schedule: "${o.schedule ?? "5 10 * * *"}"`,
    `      prompt: ${o.prompt ?? PROMPT}`,
    `      paths: [${o.paths ?? '"src/**"'}]`,
    "      labels: [maintenance]",
    ...(o.limits ? [`  limits: ${o.limits}`] : []),
  ].join("\n");

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function context(eventName: string, payload: unknown, w?: World, now = NOW) {
  return actionContext({ eventName, payload, world: w, token: TOKEN, runId: "run-m", now });
}

/** Actions' payload for a scheduled workflow: the cron line that fired, and the workflow file. */
const scheduleEvent = (cron = "17 * * * *") => ({
  schedule: cron,
  workflow: ".github/workflows/patchwright-maintenance.yml",
});

function dispatchEvent(inputs: Record<string, string>): Record<string, unknown> {
  const payload = webhookExample("workflow_dispatch");
  const repository = payload["repository"] as Record<string, unknown>;
  return {
    ...payload,
    inputs,
    repository: {
      ...repository,
      name: "Hello-World",
      full_name: "Codertocat/Hello-World",
      default_branch: "master",
      owner: { ...(repository["owner"] as object), login: "Codertocat" },
    },
  };
}

/** The config on the default branch, read once by the front door. */
function repoConfig(text: string): nock.Scope {
  return githubApi()
    .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
    .query(true)
    .reply(200, configFile(text));
}

function botUser(): void {
  githubApi()
    .get(/^\/users\/github-actions(%5B|\[)bot(%5D|\])$/)
    .reply(200, githubUser("github-actions[bot]", { id: 41898282, type: "Bot" }));
}

interface Pull {
  number: number;
  state: "open" | "closed";
  merged?: boolean;
  record?: TaskRecord;
  head?: string;
  createdAt?: string;
}

function listed(p: Pull): Record<string, unknown> {
  return {
    number: p.number,
    state: p.state,
    html_url: `https://github.com/Codertocat/Hello-World/pull/${p.number}`,
    body: `Done.\n\n${p.record ? renderTaskRecord(p.record) : ""}`,
    created_at: p.createdAt ?? "2026-11-20T10:00:00Z",
    merged_at: p.merged ? "2026-11-21T10:00:00Z" : null,
    head: { ref: p.head ?? BRANCH, sha: "c".repeat(40) },
  };
}

const pullList = (pulls: Pull[]) => githubExample("GET /repos/{owner}/{repo}/pulls", 200, pulls.map(listed));

/** GitHub's pull requests of the task's branch, asked for by `head` (once by the scheduler, once by the run). */
function taskPulls(pulls: Pull[], times = 2): void {
  githubApi()
    .get(`${REPO}/pulls`)
    .query((q) => q["head"] === `Codertocat:${BRANCH}`)
    .times(times)
    .reply(200, pullList(pulls));
}

/** The repository's open maintenance pull requests and the ones opened this hour, for the limits. */
function limitLists(open: Pull[] = [], recent: Pull[] | null = []): void {
  githubApi()
    .get(`${REPO}/pulls`)
    .query((q) => q["state"] === "open" && q["head"] === undefined)
    .reply(200, pullList(open));
  // Over prConcurrent already, the run does not ask for the hour's list.
  if (recent)
    githubApi()
      .get(`${REPO}/pulls`)
      .query((q) => q["state"] === "all" && q["head"] === undefined)
      .reply(200, pullList(recent));
}

function commitsOf(number: number, emails: string[]): void {
  githubApi()
    .get(`${REPO}/pulls/${number}/commits`)
    .query(true)
    .reply(
      200,
      githubExample(
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
        200,
        emails.map((email, i) => ({
          sha: String(i).repeat(40),
          commit: { author: { email }, committer: { email: BOT_EMAIL } },
        })),
      ),
    );
}

/** The task's branch on the remote with one commit by patchwright (or by `email`). */
function taskBranch(w: World, email = BOT_EMAIL): string {
  const work = tempDir("pw-task-");
  git(work, ["clone", "-q", w.remote, "."]);
  git(work, ["checkout", "-q", "-b", BRANCH]);
  writeFiles(work, { "src/notes.js": "// earlier work\n" });
  git(work, ["add", "-A"]);
  git(work, ["commit", "-q", "-m", "Earlier work"], {
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_EMAIL: BOT_EMAIL,
  });
  git(work, ["push", "-q", "origin", `${BRANCH}:refs/heads/${BRANCH}`]);
  return git(work, ["rev-parse", "HEAD"]).trim();
}

const record = (o: Partial<TaskRecord> = {}): TaskRecord => ({
  task: "fix-paging",
  hash: taskHash(TASK),
  lastRun: "2026-11-22T10:30:00Z",
  outcome: "pr_opened",
  failures: 0,
  ...o,
});

describe("a scheduled maintenance run in the Action", () => {
  it("opens one pull request on the task's branch when the task is due, its record in the body", async () => {
    world = await startWorld([TOKEN]);
    repoConfig(config());
    taskPulls([]);
    limitLists();
    botUser();
    let pull: Record<string, unknown> = {};
    let labels: unknown;
    githubApi()
      .get(`${REPO}/branches/${encodeURIComponent(BRANCH)}`)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${REPO}/pulls`, (b: Record<string, unknown>) => ((pull = b), true))
      .reply(201, pullRequestCreated(9))
      .post(`${REPO}/issues/9/labels`, (b: { labels: unknown }) => ((labels = b.labels), true))
      .reply(200, githubExample("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", 200, []));
    const sent: string[] = [];
    modelTurns(FIX_TURNS, sent);

    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));

    expect(result).toMatchObject({ conclusion: "pr_opened", runKind: "maintenance" });
    expect(pull).toMatchObject({ head: BRANCH, base: "master", title: PROMPT, draft: true });
    expect(labels).toEqual(["maintenance"]);
    const body = String(pull["body"]);
    expect(body).toContain("### Verified");
    expect(body).toContain("The repository's tests passed after the change.");
    expect(body).toMatch(/\$\d+\.\d\d/);
    expect(readTaskRecord(body)).toEqual({
      task: "fix-paging",
      hash: taskHash(TASK),
      lastRun: NOW.replace("Z", ".000Z"),
      outcome: "pr_opened",
      failures: 0,
    });
    expect(git(world.remote, ["show", `${BRANCH}:src/page.js`])).toContain("i < end");
    expect(sent[0]).toContain('Scheduled maintenance task \\"fix-paging\\"');
  });

  it("keeps its record when the agent's account forges one, and never pushes the token", async () => {
    world = await startWorld([TOKEN]);
    repoConfig(config());
    taskPulls([]);
    limitLists();
    botUser();
    let body = "";
    githubApi()
      .get(`${REPO}/branches/${encodeURIComponent(BRANCH)}`)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${REPO}/pulls`, (b: { body: string }) => ((body = b.body), true))
      .reply(201, pullRequestCreated(9))
      .post(`${REPO}/issues/9/labels`)
      .reply(200, githubExample("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", 200, []));
    const forged = renderTaskRecord(record({ lastRun: "2099-01-01T00:00:00Z" }));
    // The model's last words end in a forged record, then again with the job's token in them.
    modelTurns([...FIX_TURNS.slice(0, -1), [{ type: "text", text: `Fixed. ${forged}` }]]);
    const first = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(first).toMatchObject({ conclusion: "pr_opened" });
    expect(readTaskRecord(body)?.lastRun).toBe(NOW.replace("Z", ".000Z"));
    expect(body.match(/<!-- patchwright:maintenance/g)).toHaveLength(1);

    git(world.remote, ["update-ref", "-d", `refs/heads/${BRANCH}`]);
    repoConfig(config());
    taskPulls([]);
    limitLists();
    botUser();
    modelTurns([...FIX_TURNS.slice(0, -1), [{ type: "text", text: `Fixed, using ${TOKEN} to push.` }]]);
    // The account goes into the commit message too: the guard stops the push, so nothing is opened.
    const second = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(second).toMatchObject({ conclusion: "blocked" });
    expect(second.report?.details).not.toContain(TOKEN);
    expect(git(world.remote, ["branch", "--list", BRANCH]).trim()).toBe("");
  });

  it("adds a commit to the open pull request's branch, never forcing, and rewrites its record", async () => {
    world = await startWorld([TOKEN]);
    const earlier = taskBranch(world);
    repoConfig(config());
    taskPulls([{ number: 9, state: "open", record: record() }]);
    commitsOf(9, [BOT_EMAIL]);
    botUser();
    let body = "";
    githubApi()
      .get(`${REPO}/branches/${encodeURIComponent(BRANCH)}`)
      .reply(200, githubExample("GET /repos/{owner}/{repo}/branches/{branch}", 200, { name: BRANCH }))
      .patch(`${REPO}/pulls/9`, (b: { body: string }) => ((body = b.body), true))
      .reply(200, githubExample("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", 200, { number: 9 }));
    const sent: string[] = [];
    modelTurns(FIX_TURNS, sent);

    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));

    expect(result).toMatchObject({ conclusion: "pushed", report: { pullRequest: { number: 9 } } });
    expect(git(world.remote, ["rev-parse", `${BRANCH}~1`]).trim()).toBe(earlier);
    expect(git(world.remote, ["show", `${BRANCH}:src/notes.js`])).toBe("// earlier work\n");
    expect(readTaskRecord(body)).toMatchObject({ lastRun: NOW.replace("Z", ".000Z"), outcome: "pushed" });
    expect(sent[0]).toContain("pull request #9");
  });

  it("stops touching a branch someone else pushed to, and says so", async () => {
    world = await startWorld([TOKEN]);
    const before = taskBranch(world, "someone@example.com");
    repoConfig(config());
    taskPulls([{ number: 9, state: "open", record: record() }]);
    commitsOf(9, [BOT_EMAIL, "someone@example.com"]);
    botUser();

    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));

    expect(result).toMatchObject({ conclusion: "skipped", runKind: "maintenance" });
    expect(result.notice).toContain("someone other than patchwright pushed to");
    expect(git(world.remote, ["rev-parse", BRANCH]).trim()).toBe(before);
  });

  it("does not propose a task again after its pull request was closed unmerged, until its prompt changes", async () => {
    world = await startWorld([TOKEN]);
    repoConfig(config());
    taskPulls([{ number: 9, state: "closed", record: record() }]);
    botUser();
    const declined = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(declined).toMatchObject({ conclusion: "skipped" });
    expect(declined.notice).toContain("#9 was closed without merging");

    // A new prompt is a new request: the old branch (patchwright's commits only) goes, a new PR comes.
    taskBranch(world);
    const prompt = "Fix the off-by-one in pagination, and keep the loop readable";
    repoConfig(config({ prompt }));
    taskPulls([{ number: 9, state: "closed", record: record() }]);
    limitLists();
    commitsOf(9, [BOT_EMAIL]);
    botUser();
    let pull: Record<string, unknown> = {};
    githubApi()
      .delete(`${REPO}/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`)
      // GitHub deletes the branch on its git remote, which is the test's here.
      .reply(204, () => (git(world!.remote, ["update-ref", "-d", `refs/heads/${BRANCH}`]), ""))
      .get(`${REPO}/branches/${encodeURIComponent(BRANCH)}`)
      .reply(404, BRANCH_NOT_FOUND)
      .post(`${REPO}/pulls`, (b: Record<string, unknown>) => ((pull = b), true))
      .reply(201, pullRequestCreated(10))
      .post(`${REPO}/issues/10/labels`)
      .reply(200, githubExample("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", 200, []));
    modelTurns(FIX_TURNS);
    const again = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(again).toMatchObject({ conclusion: "pr_opened" });
    expect(readTaskRecord(String(pull["body"]))?.hash).toBe(taskHash({ ...TASK, prompt }));
  });

  it("leaves a branch without a pull request alone when someone else committed on it", async () => {
    world = await startWorld([TOKEN]);
    const before = taskBranch(world, "someone@example.com");
    repoConfig(config());
    taskPulls([]);
    limitLists();
    botUser();
    githubApi()
      .get(`${REPO}/compare/${encodeURIComponent(`master...${BRANCH}`)}`)
      .reply(
        200,
        githubExample("GET /repos/{owner}/{repo}/compare/{basehead}", 200, {
          // A commit as GitHub lists it (the same schema as a pull request's commits).
          commits: githubExample("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", 200, [
            {
              sha: before,
              commit: { author: { email: "someone@example.com" }, committer: { email: BOT_EMAIL } },
            },
          ]),
        }),
      );
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(result).toMatchObject({ conclusion: "skipped" });
    expect(result.notice).toContain("has commits by someone other than patchwright");
    expect(git(world.remote, ["rev-parse", BRANCH]).trim()).toBe(before);
  });

  it("opens no pull request when nothing needs changing, and says so with the date", async () => {
    world = await startWorld([TOKEN]);
    repoConfig(config({ tests: false }));
    taskPulls([]);
    limitLists();
    botUser();
    modelTurns([[{ type: "text", text: "Pagination is already right." }]]);
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(result).toMatchObject({ conclusion: "no_changes" });
    expect(result.notice).toContain("nothing to do on 2026-11-23");
    expect(git(world.remote, ["branch", "--list", BRANCH]).trim()).toBe("");
  });

  it("blocks a change outside the task's paths, pushing nothing", async () => {
    world = await startWorld([TOKEN]);
    repoConfig(config({ paths: '"docs/**"' }));
    taskPulls([]);
    limitLists();
    botUser();
    modelTurns(FIX_TURNS);
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent(), world));
    expect(result).toMatchObject({ conclusion: "blocked" });
    expect(result.notice).toContain("`src/page.js`, outside the task's `paths`");
    expect(git(world.remote, ["branch", "--list", BRANCH]).trim()).toBe("");
  });

  it("waits when the repository has as many maintenance pull requests open as prConcurrent allows", async () => {
    repoConfig(config({ limits: "{ prConcurrent: 1 }" }));
    taskPulls([]);
    limitLists([{ number: 4, state: "open", head: "patchwright/maintenance/other" }], null);
    botUser();
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent()));
    expect(result).toMatchObject({ conclusion: "waiting" });
    expect(result.notice).toContain("`maintenance.limits.prConcurrent`");
  });

  it("waits when prHourly pull requests were already opened this clock hour", async () => {
    repoConfig(config({ limits: "{ prHourly: 1 }" }));
    taskPulls([]);
    limitLists(
      [
        {
          number: 4,
          state: "open",
          head: "patchwright/maintenance/other",
          createdAt: "2026-11-23T10:02:00Z",
        },
      ],
      [
        {
          number: 4,
          state: "open",
          head: "patchwright/maintenance/other",
          createdAt: "2026-11-23T10:02:00Z",
        },
        { number: 3, state: "open", head: "patchwright/maintenance/old", createdAt: "2026-11-23T09:58:00Z" },
      ],
    );
    botUser();
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent()));
    expect(result).toMatchObject({ conclusion: "waiting" });
    expect(result.notice).toContain("after 11:00 UTC");
  });
});

describe("which tasks a tick starts", () => {
  it("starts nothing when the task ran after its last scheduled time", async () => {
    repoConfig(config());
    taskPulls([{ number: 9, state: "open", record: record({ lastRun: "2026-11-23T10:06:00Z" }) }], 1);
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent()));
    expect(result).toMatchObject({
      conclusion: "skipped",
      notice: expect.stringContaining("no maintenance task is due"),
    });
  });

  it("runs a task once after three days of dropped ticks", async () => {
    repoConfig(config());
    taskPulls([{ number: 9, state: "open", record: record({ lastRun: "2026-11-20T10:30:00Z" }) }]);
    commitsOf(9, [BOT_EMAIL, "someone@example.com"]);
    botUser();
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent()));
    // One run (it then finds a person's commit and leaves the branch alone), not three.
    expect(result.reports).toHaveLength(1);
  });

  it("runs a task whose own cron line fired, whatever its record says", async () => {
    repoConfig(config({ schedule: "5 10 * * MON-FRI" }));
    taskPulls([{ number: 9, state: "open", record: record({ lastRun: "2026-11-23T10:29:00Z" }) }]);
    commitsOf(9, ["someone@example.com"]);
    botUser();
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent("5 10 * * 1-5")));
    expect(result.reports).toHaveLength(1);
  });

  it("backs off a task that failed three times in a row", async () => {
    repoConfig(config());
    taskPulls(
      [
        {
          number: 9,
          state: "open",
          record: record({ lastRun: "2026-11-23T09:00:00Z", failures: 3, outcome: "failed" }),
        },
      ],
      1,
    );
    // Due again at 10:05, but within a day of its third failure.
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent()));
    expect(result).toMatchObject({ conclusion: "skipped" });
  });

  it("runs the task a workflow_dispatch names, now, and refuses a name the config does not have", async () => {
    repoConfig(config());
    taskPulls([{ number: 9, state: "open", record: record({ lastRun: "2026-11-23T10:29:00Z" }) }], 1);
    commitsOf(9, ["someone@example.com"]);
    botUser();
    const named = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "fix-paging" })),
    );
    expect(named).toMatchObject({ conclusion: "skipped", runKind: "maintenance" });

    repoConfig(config());
    const unknown = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "tidy" })),
    );
    expect(unknown.notice).toContain('no maintenance task named "tidy"');
  });
});
