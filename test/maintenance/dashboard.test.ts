// The maintenance dashboard issue end to end through the Action: a real repository served as GitHub's
// git remote, the model stubbed at HTTP, GitHub's REST answers checked against its OpenAPI description,
// a fixed clock, and real `schedule`, `workflow_dispatch` and `issues.edited` payloads.
import { afterEach, describe, expect, it } from "vitest";
import { runAgentAction } from "../../src/action/agent-run.js";
import { readDashboardState, renderDashboard, type DashboardState } from "../../src/maintenance/dashboard.js";
import { taskHash } from "../../src/maintenance/task-identity.js";
import { renderTaskRecord, type TaskRecord } from "../../src/maintenance/task-record.js";
import { actionContext, NO_INPUTS } from "../helpers/action-world.js";
import { githubApi } from "../helpers/github-api.js";
import { configFile, githubUser, permissionOf } from "../helpers/github-answers.js";
import { githubExample } from "../helpers/github-examples.js";
import { startWorld, modelTurns, type World } from "../helpers/run-world.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const REPO = "/repos/Codertocat/Hello-World";
const TOKEN = "workflow-token";
const BOT = "github-actions[bot]";
const BRANCH = "patchwright/maintenance/fix-paging";
const NOW = "2026-11-23T10:30:00Z";
const PROMPT = "Fix the off-by-one in pagination";
const TASK = { name: "fix-paging", prompt: PROMPT, paths: ["src/**"] };

const config = (o: { limits?: string; forbidden?: string } = {}): string =>
  [
    ...(o.forbidden ? ["guard:", `  forbiddenTerms: ["${o.forbidden}"]`] : []),
    "maintenance:",
    "  dashboard: true",
    "  tasks:",
    "    - name: fix-paging",
    '      schedule: "5 11 * * *"',
    "      timezone: Europe/Paris",
    `      prompt: ${PROMPT}`,
    '      paths: ["src/**"]',
    ...(o.limits ? [`  limits: ${o.limits}`] : []),
  ].join("\n");

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function context(eventName: string, payload: unknown, w?: World, now = NOW) {
  return actionContext({ eventName, payload, world: w, token: TOKEN, runId: "run-d", now });
}

const scheduleEvent = { schedule: "17 * * * *", workflow: ".github/workflows/patchwright-maintenance.yml" };

function repoConfig(text: string): void {
  githubApi()
    .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
    .query(true)
    .reply(200, configFile(text));
}

function botUser(): void {
  githubApi()
    .get(/^\/users\/github-actions(%5B|\[)bot(%5D|\])$/)
    .reply(200, githubUser(BOT, { id: 41898282, type: "Bot" }));
}

const record = (o: Partial<TaskRecord> = {}): TaskRecord => ({
  task: "fix-paging",
  hash: taskHash(TASK),
  lastRun: "2026-11-22T10:30:00Z",
  outcome: "pr_opened",
  failures: 0,
  ...o,
});

/** The task's pull requests by branch (`times`: the scheduler's, the run's, the dashboard's look). */
function taskPulls(pulls: { number: number; state: string; body: string }[], times: number): void {
  githubApi()
    .get(`${REPO}/pulls`)
    .query((q) => q["head"] === `Codertocat:${BRANCH}`)
    .times(times)
    .reply(
      200,
      githubExample(
        "GET /repos/{owner}/{repo}/pulls",
        200,
        pulls.map((p) => ({
          ...p,
          html_url: `https://github.com/Codertocat/Hello-World/pull/${p.number}`,
          created_at: "2026-11-20T10:00:00Z",
          merged_at: null,
          head: { ref: BRANCH, sha: "c".repeat(40) },
        })),
      ),
    );
}

function limitLists(open = 0): void {
  const pulls = Array.from({ length: open }, (_, i) => ({
    number: 30 + i,
    state: "open",
    html_url: `https://github.com/Codertocat/Hello-World/pull/${30 + i}`,
    created_at: "2026-11-23T10:01:00Z",
    head: { ref: `patchwright/maintenance/other-${i}`, sha: "c".repeat(40) },
  }));
  githubApi()
    .get(`${REPO}/pulls`)
    .query((q) => q["state"] === "open" && q["head"] === undefined)
    .reply(200, githubExample("GET /repos/{owner}/{repo}/pulls", 200, pulls));
  if (open === 0)
    githubApi()
      .get(`${REPO}/pulls`)
      .query((q) => q["state"] === "all" && q["head"] === undefined)
      .reply(200, githubExample("GET /repos/{owner}/{repo}/pulls", 200, []));
}

/** Our issues, as GitHub lists them to the dashboard's lookup (`times`: the scheduler's, the run's). */
function ourIssues(issues: { number: number; body: string; state?: string }[], times: number): void {
  githubApi()
    .get(`${REPO}/issues`)
    .query((q) => q["creator"] === BOT && q["state"] === "all")
    .times(times)
    .reply(
      200,
      githubExample(
        "GET /repos/{owner}/{repo}/issues",
        200,
        issues.map((i) => ({
          number: i.number,
          body: i.body,
          state: i.state ?? "open",
          pull_request: undefined,
        })),
      ),
    );
}

function issueCreated(number: number, sink: { body?: string; title?: string }): void {
  githubApi()
    .post(
      `${REPO}/issues`,
      (b: { body: string; title: string }) => ((sink.body = b.body), (sink.title = b.title), true),
    )
    .reply(201, githubExample("POST /repos/{owner}/{repo}/issues", 201, { number }));
}

/** The dashboard as a run reads it again just before writing its record. */
function issueNow(number: number, body: () => string | undefined): void {
  githubApi()
    .get(`${REPO}/issues/${number}`)
    .reply(() => [
      200,
      githubExample("GET /repos/{owner}/{repo}/issues/{issue_number}", 200, { number, body: body() ?? "" }),
    ]);
}

function issueEdited(number: number, bodies: string[]): void {
  githubApi()
    .patch(`${REPO}/issues/${number}`, (b: { body: string }) => (bodies.push(b.body), true))
    .reply(200, githubExample("PATCH /repos/{owner}/{repo}/issues/{issue_number}", 200, { number }));
}

/** A dashboard as a run on `lastRun` left it. */
function renderDashboardFor(lastRun: string): string {
  return renderDashboard({
    tasks: [{ name: TASK.name, schedule: "5 11 * * *", timezone: "Europe/Paris" }],
    state: { recreated: false, tasks: { "fix-paging": { ...record({ lastRun }), said: "opened #9." } } },
    now: new Date(NOW),
    repoUrl: "https://github.com/Codertocat/Hello-World",
  });
}

const NOTHING_TO_DO = [[{ type: "text" as const, text: "Pagination is already right." }]];

function state(body: string | undefined): DashboardState {
  const s = readDashboardState(body);
  if (!s) throw new Error(`no dashboard marker in ${body}`);
  return s;
}

describe("the maintenance dashboard issue", () => {
  it("is opened once, then updated in place; nothing to do shows the date and keeps the record", async () => {
    world = await startWorld([TOKEN]);
    repoConfig(config());
    taskPulls([], 3);
    ourIssues([], 2);
    limitLists();
    botUser();
    const created: { body?: string; title?: string } = {};
    issueCreated(5, created);
    issueNow(5, () => created.body);
    const edits: string[] = [];
    issueEdited(5, edits);
    modelTurns(NOTHING_TO_DO);
    const first = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent, world));
    expect(first).toMatchObject({ conclusion: "no_changes" });
    expect(created.title).toBe("patchwright maintenance");
    expect(edits).toHaveLength(1);
    expect(edits[0]).toContain("| `fix-paging` | `5 11 * * *` (Europe/Paris) |");
    expect(edits[0]).toContain("nothing to do on 2026-11-23");
    expect(edits[0]).toContain("- [ ] run `fix-paging`");
    expect(state(edits[0]).tasks["fix-paging"]).toMatchObject({ lastRun: "2026-11-23T10:30:00.000Z" });

    // An hour later the task has no pull request: only the dashboard's record says it already ran.
    repoConfig(config());
    taskPulls([], 1);
    ourIssues([{ number: 5, body: edits[0]! }], 1);
    const later = await runAgentAction(
      NO_INPUTS,
      context("schedule", scheduleEvent, world, "2026-11-23T11:30:00Z"),
    );
    expect(later.notice).toContain("no maintenance task is due");

    // The next day it runs again and edits the same issue: no second one is opened.
    repoConfig(config());
    taskPulls([], 2);
    ourIssues([{ number: 5, body: edits[0]! }], 2);
    limitLists();
    botUser();
    issueNow(5, () => edits[0]);
    issueEdited(5, edits);
    modelTurns(NOTHING_TO_DO);
    const next = await runAgentAction(
      NO_INPUTS,
      context("schedule", scheduleEvent, world, "2026-11-24T10:30:00Z"),
    );
    expect(next).toMatchObject({ conclusion: "no_changes" });
    expect(edits[1]).toContain("nothing to do on 2026-11-24");
  });

  it("says why a task waits", async () => {
    repoConfig(config({ limits: "{ prHourly: 2, prConcurrent: 1 }" }));
    taskPulls([], 2);
    ourIssues([{ number: 5, body: "old\n\n<!-- patchwright:dashboard {} -->" }], 2);
    limitLists(1);
    botUser();
    issueNow(5, () => "old\n\n<!-- patchwright:dashboard {} -->");
    const edits: string[] = [];
    issueEdited(5, edits);
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent));
    expect(result).toMatchObject({ conclusion: "waiting" });
    expect(edits[0]).toMatch(/\| 2026-11-23 10:30 UTC: .*prConcurrent/);
  });

  it("is recreated once after a deletion, and not after a second one", async () => {
    // An older definition of the task: its closed pull request does not decline the current one.
    const known = renderTaskRecord(record({ hash: "older", dashboard: { number: 3, recreated: false } }));
    repoConfig(config({ limits: "{ prHourly: 2, prConcurrent: 1 }" }));
    taskPulls([{ number: 9, state: "closed", body: `Done.\n\n${known}` }], 3);
    ourIssues([], 2);
    limitLists(1);
    botUser();
    const created: { body?: string } = {};
    issueCreated(6, created);
    issueNow(6, () => created.body);
    const edits: string[] = [];
    issueEdited(6, edits);
    await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent));
    expect(state(created.body).recreated).toBe(true);
    expect(state(edits[0]).tasks["fix-paging"]?.dashboard).toEqual({ number: 6, recreated: true });

    // Deleted again: the records remember it was recreated once, so nothing is opened.
    const twice = renderTaskRecord(record({ hash: "older", dashboard: { number: 6, recreated: true } }));
    repoConfig(config({ limits: "{ prHourly: 2, prConcurrent: 1 }" }));
    taskPulls([{ number: 9, state: "closed", body: `Done.\n\n${twice}` }], 3);
    ourIssues([], 2);
    limitLists(1);
    botUser();
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent));
    expect(result).toMatchObject({ conclusion: "waiting" });
    expect(result.report?.notes?.join("\n")).toContain(
      "#6 was deleted after patchwright had already recreated it",
    );
  });

  it("is left closed when a person closed it, and the run says so", async () => {
    const closed = "old\n\n<!-- patchwright:dashboard {} -->";
    repoConfig(config({ limits: "{ prHourly: 2, prConcurrent: 1 }" }));
    taskPulls([], 2);
    ourIssues([{ number: 5, body: closed, state: "closed" }], 2);
    limitLists(1);
    botUser();
    issueNow(5, () => closed);
    const edits: string[] = [];
    issueEdited(5, edits);
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent));
    expect(result.report?.notes?.join("\n")).toContain("#5 was closed, so patchwright leaves it closed");
    expect(state(edits[0]).tasks["fix-paging"]).toMatchObject({ outcome: "waiting" });
  });

  it("withholds its text when the leak guard finds something in it, keeping its record", async () => {
    repoConfig(config({ limits: "{ prHourly: 2, prConcurrent: 1 }", forbidden: "Paris" }));
    taskPulls([], 2);
    ourIssues([{ number: 5, body: "old\n\n<!-- patchwright:dashboard {} -->" }], 2);
    limitLists(1);
    botUser();
    issueNow(5, () => "old\n\n<!-- patchwright:dashboard {} -->");
    const edits: string[] = [];
    issueEdited(5, edits);
    await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent));
    expect(edits[0]).toContain("patchwright withheld this message");
    expect(edits[0]).not.toContain("Europe/Paris");
    expect(state(edits[0]).tasks["fix-paging"]).toMatchObject({ outcome: "waiting" });
  });
});

describe("a broken config", () => {
  it("is named on the dashboard and in the job's log, and nothing runs", async () => {
    repoConfig(config().replace('"5 11 * * *"', '"5 25 * * *"'));
    const body = renderDashboardFor("2026-11-22T10:30:00Z");
    ourIssues([{ number: 5, body }], 1);
    const edits: string[] = [];
    issueEdited(5, edits);
    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent));
    expect(result).toMatchObject({ conclusion: "skipped" });
    expect(result.notice).toContain("maintenance.tasks[0].schedule");
    expect(edits[0]).toMatch(/^\*\*Nothing runs:\*\* .*maintenance\.tasks\[0\]\.schedule/m);
    // The table and the records stay as they were.
    expect(state(edits[0])).toEqual(state(body));
    expect(edits[0]).toContain("| `fix-paging` |");
  });
});

describe("a ticked run-now box", () => {
  const dashboardBody = (box: " " | "x") =>
    `| Task |\n\n- [${box}] run \`fix-paging\`\n\n<!-- patchwright:dashboard {"tasks":{}} -->`;

  function edited(sender: { login: string; type: string }, author = BOT): Record<string, unknown> {
    const payload = webhookExample("issues", (p) => p["action"] === "edited");
    const issue = payload["issue"] as Record<string, unknown>;
    return {
      ...payload,
      changes: { body: { from: dashboardBody(" ") } },
      issue: {
        ...issue,
        number: 5,
        body: dashboardBody("x"),
        user: { ...(issue["user"] as object), login: author, type: "Bot" },
      },
      sender: { ...(payload["sender"] as object), ...sender },
      repository: { ...(payload["repository"] as object), default_branch: "master" },
    };
  }

  it("by someone with write access starts the task now and is unticked", async () => {
    repoConfig(config({ limits: "{ prHourly: 2, prConcurrent: 1 }" }));
    githubApi()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, permissionOf("Codertocat", "write"));
    const edits: string[] = [];
    issueEdited(5, edits);
    taskPulls([], 1);
    // Read again to untick it (a run may have written since the event), then by the run.
    ourIssues([{ number: 5, body: dashboardBody("x") }], 1);
    ourIssues([{ number: 5, body: dashboardBody(" ") }], 1);
    limitLists(1);
    botUser();
    issueNow(5, () => edits[0]);
    issueEdited(5, edits);
    const result = await runAgentAction(
      NO_INPUTS,
      context("issues", edited({ login: "Codertocat", type: "User" })),
    );
    expect(result).toMatchObject({ conclusion: "waiting", runKind: "maintenance" });
    expect(edits[0]).toContain("- [ ] run `fix-paging`");
    expect(state(edits[1]).tasks["fix-paging"]).toMatchObject({ outcome: "waiting" });
  });

  it("by a reader, a bot, or on an issue patchwright did not open starts nothing", async () => {
    repoConfig(config());
    githubApi()
      .get(`${REPO}/collaborators/Codertocat/permission`)
      .reply(200, permissionOf("Codertocat", "read"));
    const reader = await runAgentAction(
      NO_INPUTS,
      context("issues", edited({ login: "Codertocat", type: "User" })),
    );
    expect(reader.notice).toContain("Codertocat may not start maintenance tasks");

    repoConfig(config());
    const bot = await runAgentAction(
      NO_INPUTS,
      context("issues", edited({ login: "renovate[bot]", type: "Bot" })),
    );
    expect(bot.notice).toContain("bot renovate[bot] may not start tasks");

    repoConfig(config());
    const theirs = await runAgentAction(
      NO_INPUTS,
      context("issues", edited({ login: "Codertocat", type: "User" }, "Codertocat")),
    );
    expect(theirs.notice).toContain("not a run-now tick on the maintenance dashboard");
  });
});
