// Dreaming end to end through the Action: a real repository served as GitHub's git remote with a real
// `patchwright/memory` branch, the Anthropic API stubbed at HTTP, GitHub's REST answers checked against its
// OpenAPI description, and a fixed clock. Real `schedule` and `workflow_dispatch` payloads start it.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { runAgentAction } from "../../src/action/agent-run.js";
import type { ContentBlock } from "../../src/agent/model-types.js";
import { withCrc32Suffix } from "../../src/guard/checksum.js";
import { DREAM_RECORD_FILE, renderDreamRecord } from "../../src/maintenance/dream-record.js";
import { actionContext, NO_INPUTS } from "../helpers/action-world.js";
import { SSE_HEADERS, streamedMessage } from "../helpers/anthropic-sse.js";
import { githubApi } from "../helpers/github-api.js";
import { githubExample } from "../helpers/github-examples.js";
import { configFile, githubUser } from "../helpers/github-answers.js";
import { branchLookup, modelTurns, startWorld, toolUse, type World } from "../helpers/run-world.js";
import { git, tempDir, writeFiles } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const REPO = "/repos/Codertocat/Hello-World";
const TOKEN = "workflow-token";
const MEMORY = "patchwright/memory";
const NOW = "2026-11-23T03:30:00Z";
const CONFIG = (dryRun = false) =>
  [
    "features:",
    "  memory: true",
    "maintenance:",
    "  dream:",
    '    schedule: "0 3 * * *"',
    `    dryRun: ${dryRun}`,
  ].join("\n");

/** The notes on the branch: two commits, so `style-2.md` is newer than `style.md`. */
const OLD_NOTES = {
  "testing.md": "# Testing\n\nRun `node check.js` to check paging.\n",
  "tests.md": "# Tests\n\nThe check is `node check.js`.\n",
  "old-api.md": "# Old API\n\nThe client lives in `lib/client.js`.\n",
  "style.md": "# Style\n\nIndent with tabs.\n",
};
const NEW_NOTES = {
  "style-2.md": "# Style\n\nIndent with two spaces, not tabs.\n",
  "readme.md": "# Readme\n\n`README.md` holds the title; `src/page.js` pages items.\n",
};

/** A consolidation the model proposes: one merge, one removal, and one removal it is not allowed. */
const PLAN = {
  merges: [
    {
      into: "testing.md",
      from: ["/memories/tests.md"],
      text: "# Testing\n\nRun `node check.js` to check paging; it is the only check.",
      why: "both name the check command",
    },
  ],
  removals: [
    { path: "style.md", supersededBy: "style-2.md", why: "indentation is two spaces now" },
    { path: "readme.md", supersededBy: "testing.md", why: "not really" },
  ],
};

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Commits `files` (and removes `remove`) on the remote's memory branch, dated `at`; returns the commit. */
function memoryCommit(w: World, files: Record<string, string>, at: string, remove: string[] = []): string {
  const work = tempDir("pw-memory-");
  git(work, ["init", "-q"]);
  const exists = git(w.remote, ["branch", "--list", MEMORY]).trim() !== "";
  if (exists) {
    git(work, ["fetch", "-q", w.remote, `${MEMORY}:${MEMORY}`]);
    git(work, ["checkout", "-q", MEMORY]);
  } else git(work, ["checkout", "-q", "--orphan", MEMORY]);
  writeFiles(work, files);
  for (const path of remove) git(work, ["rm", "-q", path]);
  git(work, ["add", "-A"]);
  const env = { GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at };
  git(work, ["commit", "-q", "-m", `notes of ${at}`], env);
  git(work, ["push", "-q", w.remote, `${MEMORY}:refs/heads/${MEMORY}`]);
  return git(work, ["rev-parse", "HEAD"]).trim();
}

function notesBranch(w: World, record?: string): string {
  memoryCommit(w, OLD_NOTES, "2026-11-01T10:00:00Z");
  return memoryCommit(
    w,
    {
      ...NEW_NOTES,
      ...(record
        ? { [DREAM_RECORD_FILE]: renderDreamRecord({ lastRun: record, outcome: "consolidated" }) }
        : {}),
    },
    "2026-11-10T10:00:00Z",
  );
}

const onBranch = (w: World, path: string): string => git(w.remote, ["show", `${MEMORY}:${path}`]);
const branchFiles = (w: World): string[] =>
  git(w.remote, ["ls-tree", "-r", "--name-only", MEMORY]).trim().split("\n").sort();

function context(eventName: string, payload: unknown, w: World) {
  return actionContext({ eventName, payload, world: w, token: TOKEN, runId: "run-d", now: NOW });
}

const scheduleEvent = { schedule: "17 * * * *", workflow: ".github/workflows/patchwright-maintenance.yml" };

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

/** The config on the default branch, and (for a tick) dreaming's record on the memory branch. */
function github(config: string, o: { record?: string | null } = {}): void {
  githubApi()
    .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
    .query(true)
    .reply(200, configFile(config));
  if (o.record === undefined) return;
  const record = githubApi()
    .get(`${REPO}/contents/${encodeURIComponent(DREAM_RECORD_FILE)}`)
    .query({ ref: MEMORY });
  if (o.record === null) record.reply(404, { message: "Not Found", status: "404" });
  else
    record.reply(
      200,
      configFile(renderDreamRecord({ lastRun: o.record, outcome: "consolidated" }), DREAM_RECORD_FILE),
    );
}

function botUser(): void {
  githubApi()
    .get(/^\/users\/github-actions(%5B|\[)bot(%5D|\])$/)
    .reply(200, githubUser("github-actions[bot]", { id: 41898282, type: "Bot" }));
}

const planTurn = (plan: unknown): ContentBlock[] => [toolUse("plan-1", "report_consolidation", plan)];

describe("dreaming in the Action", () => {
  it("merges duplicates, removes stale and contradicted notes, and commits once with a changelog", async () => {
    world = await startWorld([TOKEN]);
    const before = notesBranch(world);
    github(CONFIG(), { record: "2026-11-22T03:30:00.000Z" });
    botUser();
    branchLookup(MEMORY, true);
    const sent: string[] = [];
    modelTurns([planTurn(PLAN)], sent);

    const result = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent, world));

    expect(result).toMatchObject({ conclusion: "pushed", runKind: "maintenance" });
    expect(git(world.remote, ["rev-parse", `${MEMORY}~1`]).trim()).toBe(before);
    expect(branchFiles(world)).toEqual([DREAM_RECORD_FILE, "readme.md", "style-2.md", "testing.md"]);
    expect(onBranch(world, "testing.md")).toBe(
      "# Testing\n\nRun `node check.js` to check paging; it is the only check.\n",
    );
    const message = git(world.remote, ["log", "-1", "--format=%B", MEMORY]);
    expect(message).toContain("Dream: consolidate the memory notes");
    expect(message).toContain(
      "- removed `old-api.md`: it names `lib/client.js`, which `master` no longer has",
    );
    expect(message).toContain("- merged `tests.md` into `testing.md`: both name the check command");
    expect(message).toContain("- removed `style.md`: contradicted by the newer `style-2.md`");
    expect(message).toContain(`Patchwright-Dream-Run: ${NOW.replace("Z", ".000Z")}`);
    expect(JSON.parse(onBranch(world, DREAM_RECORD_FILE))).toEqual({
      lastRun: NOW.replace("Z", ".000Z"),
      outcome: "consolidated",
    });
    // readme.md is newer than testing.md: the model may not remove it as contradicted by an older note.
    expect(result.report?.notes?.join("\n")).toContain(
      "was not applied: `testing.md` did not change after `readme.md`",
    );
    // The model saw the notes as data, had no tool but its answer, and never the token.
    const body = JSON.parse(sent[0]!) as { tools: { name: string }[] };
    expect(body.tools.map((t) => t.name)).toEqual(["report_consolidation"]);
    expect(sent[0]).toContain("style-2.md");
    expect(sent[0]).not.toContain("old-api.md");
    expect(sent[0]).not.toContain(TOKEN);
  });

  it("keeps the notes index under its cap by folding the notes it would not show into an archive", async () => {
    world = await startWorld([TOKEN]);
    const many = Object.fromEntries(
      Array.from({ length: 52 }, (_, i) => [
        `n${String(i).padStart(2, "0")}.md`,
        `# Note ${i}\n\nFact ${i}.\n`,
      ]),
    );
    memoryCommit(world, many, "2026-11-01T10:00:00Z");
    github(CONFIG());
    botUser();
    branchLookup(MEMORY, true);
    const sent: string[] = [];
    modelTurns([planTurn({ merges: [], removals: [] })], sent);

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "pushed" });
    const notes = branchFiles(world).filter((p) => p.endsWith(".md"));
    expect(notes).toHaveLength(50);
    expect(notes).not.toContain("n49.md");
    const archive = onBranch(world, "archive.md");
    for (const i of [49, 50, 51]) expect(archive).toContain(`## n${i}.md\n\n# Note ${i}\n\nFact ${i}.\n`);
    expect(sent[0]).toContain("There are 52 notes and the index shows at most 50");
    expect(git(world.remote, ["log", "-1", "--format=%B", MEMORY])).toContain(
      "folded 3 note(s) into `archive.md`",
    );
  });

  it("posts the diff in its report on a dry run, and commits nothing", async () => {
    world = await startWorld([TOKEN]);
    const before = notesBranch(world);
    github(CONFIG(true));
    botUser();
    modelTurns([planTurn(PLAN)]);

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "no_changes" });
    expect(result.report?.headline).toContain("dry run: dreaming would make 3 change(s)");
    expect(git(world.remote, ["rev-parse", MEMORY]).trim()).toBe(before);
    const diff = result.report?.dreamDiff ?? "";
    expect(diff).toContain("-Indent with tabs.");
    expect(diff).toContain("+Run `node check.js` to check paging; it is the only check.");
    expect(diff).toContain("deleted file mode 100644");
    expect(diff).not.toContain(DREAM_RECORD_FILE);
    expect(result.report?.details).toContain("```diff");
  });

  it("shows a dry run's diff on the dashboard issue, with dreaming's row and run-now box", async () => {
    world = await startWorld([TOKEN]);
    notesBranch(world);
    github(`${CONFIG(true)}\n  dashboard: true`);
    botUser();
    modelTurns([planTurn(PLAN)]);
    // No dashboard yet: it is opened, read again just before the record is written, and edited.
    githubApi()
      .get(`${REPO}/issues`)
      .query((q) => q["creator"] === "github-actions[bot]" && q["state"] === "all")
      .reply(200, githubExample("GET /repos/{owner}/{repo}/issues", 200, []));
    const opened: { body?: string } = {};
    const edits: string[] = [];
    githubApi()
      .post(`${REPO}/issues`, (b: { body: string }) => ((opened.body = b.body), true))
      .reply(201, githubExample("POST /repos/{owner}/{repo}/issues", 201, { number: 77 }))
      .get(`${REPO}/issues/77`)
      .reply(() => [
        200,
        githubExample("GET /repos/{owner}/{repo}/issues/{issue_number}", 200, {
          number: 77,
          body: opened.body ?? "",
        }),
      ])
      .patch(`${REPO}/issues/77`, (b: { body: string }) => (edits.push(b.body), true))
      .reply(200, githubExample("PATCH /repos/{owner}/{repo}/issues/{issue_number}", 200, { number: 77 }));

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "no_changes" });
    const body = edits.at(-1) ?? "";
    expect(body).toContain("| `dream` | `0 3 * * *` (UTC) |");
    expect(body).toContain("dry run: dreaming would make 3 change(s)");
    expect(body).toContain("- [ ] run `dream`");
    expect(body).toContain("<details><summary>Dreaming, dry run of");
    expect(body).toContain("-Indent with tabs.");
  });

  it("lets the leak guard block a consolidation holding a secret: no note is pushed, the run is recorded", async () => {
    world = await startWorld([TOKEN]);
    const before = notesBranch(world);
    github(CONFIG());
    botUser();
    branchLookup(MEMORY, true);
    const secret = withCrc32Suffix("ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5");
    modelTurns([
      planTurn({
        merges: [{ ...PLAN.merges[0], text: `# Testing\n\nThe CI token is ${secret}.\n` }],
        removals: [],
      }),
    ]);

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "blocked" });
    expect(result.report?.headline).toContain("the leak guard blocked the consolidated notes");
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(git(world.remote, ["rev-parse", `${MEMORY}~1`]).trim()).toBe(before);
    expect(git(world.remote, ["diff", "--name-only", before, MEMORY]).trim()).toBe(DREAM_RECORD_FILE);
    expect(git(world.remote, ["log", "-p", "--all"])).not.toContain(secret);
    expect(JSON.parse(onBranch(world, DREAM_RECORD_FILE))).toMatchObject({ outcome: "blocked" });
    expect(result.report?.notes?.join("\n")).toContain("tries again at its next scheduled time");
  });

  it("records a run whose model call failed, so it is not retried at every tick", async () => {
    world = await startWorld([TOKEN]);
    const before = notesBranch(world);
    github(CONFIG());
    botUser();
    branchLookup(MEMORY, true);
    nock("https://api.anthropic.com")
      .post("/v1/messages")
      .reply(400, { type: "error", error: { type: "invalid_request_error", message: "bad request" } });

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "failed" });
    expect(git(world.remote, ["diff", "--name-only", before, MEMORY]).trim()).toBe(DREAM_RECORD_FILE);
    expect(JSON.parse(onBranch(world, DREAM_RECORD_FILE))).toEqual({
      lastRun: NOW.replace("Z", ".000Z"),
      outcome: "failed",
    });
  });

  it("replays its consolidation on a note someone wrote meanwhile, losing neither", async () => {
    world = await startWorld([TOKEN]);
    notesBranch(world);
    github(CONFIG());
    botUser();
    branchLookup(MEMORY, true);
    branchLookup(MEMORY, true);
    const w = world;
    let theirs = "";
    nock("https://api.anthropic.com")
      .post("/v1/messages")
      .reply(
        200,
        () => {
          // A mention run saves a note while the model is thinking.
          theirs = memoryCommit(w, { "deploy.md": "# Deploy\n\nTag a release.\n" }, "2026-11-23T03:31:00Z");
          return streamedMessage(planTurn(PLAN));
        },
        SSE_HEADERS,
      );

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "pushed" });
    expect(git(world.remote, ["rev-parse", `${MEMORY}~1`]).trim()).toBe(theirs);
    expect(branchFiles(world)).toEqual([
      DREAM_RECORD_FILE,
      "deploy.md",
      "readme.md",
      "style-2.md",
      "testing.md",
    ]);
    expect(result.report?.notes?.join("\n")).toContain("replayed on their commit");
  });

  it("gives up in one sentence when someone changed a note it changed meanwhile, and forces nothing", async () => {
    world = await startWorld([TOKEN]);
    notesBranch(world);
    github(CONFIG());
    botUser();
    branchLookup(MEMORY, true);
    const w = world;
    let theirs = "";
    nock("https://api.anthropic.com")
      .post("/v1/messages")
      .reply(
        200,
        () => {
          theirs = memoryCommit(w, { "style.md": "# Style\n\nTabs again.\n" }, "2026-11-23T03:31:00Z");
          return streamedMessage(planTurn(PLAN));
        },
        SSE_HEADERS,
      );

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "skipped" });
    expect(result.notice).toContain("someone changed `style.md` on `patchwright/memory` while dreaming");
    expect(git(world.remote, ["rev-parse", MEMORY]).trim()).toBe(theirs);
    expect(onBranch(world, "style.md")).toBe("# Style\n\nTabs again.\n");
  });

  it("says there is nothing to consolidate when there is no memory branch, and asks no model", async () => {
    world = await startWorld([TOKEN]);
    github(CONFIG());
    botUser();

    const result = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );

    expect(result).toMatchObject({ conclusion: "no_changes" });
    expect(result.notice).toContain("there are no memory notes to consolidate yet");
    expect(git(world.remote, ["branch", "--list", MEMORY]).trim()).toBe("");
  });

  it("is due once per scheduled time by its record on the branch; `task: dream` runs it now", async () => {
    world = await startWorld([TOKEN]);
    const before = notesBranch(world, "2026-11-23T03:10:00.000Z");
    // Already run since 03:00 today: a tick starts nothing, and nothing asks the model.
    github(CONFIG(), { record: "2026-11-23T03:10:00.000Z" });
    const tick = await runAgentAction(NO_INPUTS, context("schedule", scheduleEvent, world));
    expect(tick.conclusion).toBe("skipped");
    expect(git(world.remote, ["rev-parse", MEMORY]).trim()).toBe(before);

    github(CONFIG());
    botUser();
    branchLookup(MEMORY, true);
    modelTurns([planTurn({ merges: [], removals: [] })]);
    const now = await runAgentAction(
      NO_INPUTS,
      context("workflow_dispatch", dispatchEvent({ task: "dream" }), world),
    );
    expect(now).toMatchObject({ conclusion: "pushed" });
  });
});
