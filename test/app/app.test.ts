import type { Options as ProbotOptions, Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import { createMetrics, type Metrics } from "../../src/runs/metrics.js";
import type { Outcome, WebhookEvent } from "../../src/runs/front-door/types.js";
import { readMarker } from "../../src/runs/marker.js";
import { runIdForDelivery } from "../../src/runs/front-door/run-id.js";
import { appInfo, configFile, issueComment, permissionOf, reaction } from "../helpers/github-answers.js";
import { githubApi, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { githubExample } from "../helpers/github-examples.js";
import { memoryQueue, recordingQueue } from "../helpers/recording-queue.js";
import { threadAnswer } from "../helpers/run-world.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const REPO = "/repos/Codertocat/Hello-World";

interface Harness {
  probot: Probot;
  idle(): Promise<void>;
  outcomes: Outcome[];
  errors: unknown[];
  receive(name: string, payload: Record<string, unknown>, id?: string): Promise<void>;
}

let runIds = 0;

async function harness(intakeConcurrency?: number, metrics?: Metrics): Promise<Harness> {
  const outcomes: Outcome[] = [];
  const errors: unknown[] = [];
  const app = createPatchwrightApp({
    // The leak guard check has its own tests (test/runs/app-guard-check.test.ts).
    guardCheck: false,
    ...(intakeConcurrency ? { intakeConcurrency } : {}),
    ...(metrics ? { metrics } : {}),
    newRunId: () => `run-${++runIds}`,
    now: () => new Date("2026-11-21T10:00:00Z"),
    onOutcome: (_e: WebhookEvent, o) => outcomes.push(o),
    onError: (_e, err) => errors.push(err),
    // The front door alone: runs are the executor's tests (test/runs).
    runQueue: () => recordingQueue(),
    queue: memoryQueue(),
  });
  const probot = await testProbot(app.appFn);
  githubApi()
    .get("/app")
    .reply(200, appInfo("patchwright", { id: 1 }));
  return {
    probot,
    idle: () => app.idle(),
    outcomes,
    errors,
    async receive(name, payload, id = `delivery-${Math.random()}`) {
      await probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]);
      await app.idle();
    },
  };
}

/** The repository's side: its config (none = defaults) and the commenter's permission. */
function repository(opts: { config?: string; permission?: string; roleName?: string } = {}): void {
  const scope = githubApi();
  if (opts.config === undefined) {
    scope
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .times(2)
      .reply(404, { message: "Not Found" });
  } else {
    scope
      .get(/\/contents\/\.github%2Fpatchwright\.yml/)
      .query({ ref: "master" })
      .reply(200, configFile(opts.config));
  }
  if (opts.permission) {
    scope
      .get(/\/collaborators\/[^/]+\/permission$/)
      .reply(200, permissionOf("Codertocat", opts.permission, opts.roleName));
  }
}

/**
 * GitHub's side of an acknowledged run on issue 1: no earlier marker (or `existing` comments), 👀 and the
 * tracking comment (id `trackingId`).
 */
function acknowledgement(trackingId: number, existing: object[] = []): void {
  githubApi()
    .get(`${REPO}/issues/1/comments`)
    .query(true)
    .reply(200, existing)
    .post(/\/reactions$/)
    .reply(201, reaction())
    .post(`${REPO}/issues/1/comments`)
    .reply(201, issueComment(trackingId));
}

/** Answers the one comment patchwright posts on an issue; returns a getter for its body. */
function replyOn(issue = 1): () => string {
  let body = "";
  githubApi()
    .post(`${REPO}/issues/${issue}/comments`, (b: { body: string }) => ((body = b.body), true))
    .reply(201, issueComment(1, { issue_url: `https://api.github.com${REPO}/issues/${issue}` }));
  return () => body;
}

function withInstallation(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...payload, installation: { id: 42, node_id: "x" } };
}

let commentIds = 0;

/** A new comment (its own id, as GitHub gives each comment) on issue 1 saying `body`. */
function commentEvent(body: string): Record<string, unknown> {
  const payload = withInstallation(webhookExample("issue_comment", (p) => p["action"] === "created"));
  Object.assign(payload["comment"] as object, { body, id: 5_000_000 + ++commentIds });
  (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
  return payload;
}

describe("the App, on a mention", () => {
  it("reacts, posts one tracking comment with a marker and queues the run", async () => {
    const h = await harness();
    mockInstallationToken();
    repository({ permission: "write" });
    let tracking = "";
    githubApi()
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/issues\/comments\/\d+\/reactions$/, { content: "eyes" })
      .reply(201, reaction("eyes", { id: 1 }))
      .post(`${REPO}/issues/1/comments`, (body: { body: string }) => ((tracking = body.body), true))
      .reply(201, issueComment(900));

    await h.receive("issue_comment", commentEvent("@patchwright fix the off-by-one in pagination"));

    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([
      { status: "queued", request: { kind: "implement", instruction: "fix the off-by-one in pagination" } },
    ]);
    expect(readMarker(tracking)).toEqual({
      run: "run-1",
      trigger: expect.stringMatching(/^issue_comment:\d+$/),
    });
    expect(tracking).toContain("is working on this");
  });

  it("reports the rate limit GitHub's answers give to the metrics", async () => {
    const metrics = createMetrics();
    const h = await harness(undefined, metrics);
    mockInstallationToken();
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .times(2)
      .reply(404, { message: "Not Found" })
      .get(/\/collaborators\/[^/]+\/permission$/)
      .reply(200, permissionOf("Codertocat", "write"), {
        "x-ratelimit-resource": "core",
        "x-ratelimit-remaining": "4321",
      });
    acknowledgement(904);
    await h.receive("issue_comment", commentEvent("@patchwright add retries to the uploader"));
    expect((await metrics.render()).body).toContain(
      'patchwright_github_rate_limit_remaining{resource="core"} 4321',
    );
  });

  it("runs once for one comment, however often it is delivered", async () => {
    const h = await harness();
    mockInstallationToken();
    repository({ permission: "write" });
    acknowledgement(901);
    const payload = commentEvent("@patchwright add retries to the uploader");
    await h.receive("issue_comment", payload, "same-delivery");
    // The same delivery again is known before any work: stored once, handled once. Another delivery of
    // the same comment finds its trigger claimed before GitHub is answered, and costs no request either.
    await h.receive("issue_comment", payload, "same-delivery");
    await h.receive("issue_comment", payload, "another-delivery-same-comment");
    expect(h.outcomes.map((o) => o.status)).toEqual(["queued", "duplicate"]);
    expect(h.errors).toEqual([]);
  });

  it("finds the first run's marker on GitHub after a restart, and trusts only its own comments", async () => {
    const payload = commentEvent("@patchwright add retries to the uploader");
    const key = `issue_comment:${(payload["comment"] as { id: number }).id}`;
    const marker = `<!-- patchwright:run {"run":"old","trigger":"${key}"} -->`;
    const h = await harness();
    mockInstallationToken();
    repository({ permission: "write" });
    githubApi()
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [issueComment(5, { body: marker, user: { login: "patchwright[bot]", type: "Bot" } })]);
    await h.receive("issue_comment", payload);
    expect(h.outcomes.map((o) => o.status)).toEqual(["duplicate"]);

    const forged = await harness();
    mockInstallationToken();
    repository({ permission: "write" });
    acknowledgement(902, [issueComment(6, { body: marker, user: { login: "mallory" } })]);
    await forged.receive("issue_comment", payload);
    expect(forged.outcomes.map((o) => o.status)).toEqual(["queued"]);
  });

  it("ignores people without the minimum permission, or answers them politely when configured", async () => {
    const quiet = await harness();
    mockInstallationToken();
    repository({ permission: "read" });
    await quiet.receive("issue_comment", commentEvent("@patchwright delete everything"));
    expect(quiet.outcomes).toMatchObject([
      { status: "ignored", reason: expect.stringMatching(/may not trigger/) },
    ]);

    const polite = await harness();
    mockInstallationToken();
    repository({
      permission: "triage",
      roleName: "triage",
      config: "permissions:\n  replyToUnauthorized: true\n",
    });
    const reply = replyOn();
    await polite.receive("issue_comment", commentEvent("@patchwright delete everything"));
    expect(reply()).toMatch(/only for people with write access/);
  });

  it("uses the finer role: maintain passes a maintain minimum that write does not", async () => {
    const h = await harness();
    mockInstallationToken();
    repository({ permission: "write", roleName: "write", config: "permissions:\n  minimum: maintain\n" });
    await h.receive("issue_comment", commentEvent("@patchwright fix it"));
    expect(h.outcomes).toMatchObject([{ status: "ignored" }]);
  });

  it("ignores its own comments and bots that are not listed, without asking GitHub anything", async () => {
    const h = await harness();
    const own = commentEvent("@patchwright fix it");
    (own["comment"] as { user: object }).user = { login: "patchwright[bot]", type: "Bot" };
    (own["sender"] as { login: string }).login = "patchwright[bot]";
    await h.receive("issue_comment", own);
    expect(h.outcomes).toMatchObject([{ status: "ignored", reason: "our own event" }]);

    mockInstallationToken();
    repository();
    const bot = commentEvent("@patchwright fix it");
    (bot["comment"] as { user: object }).user = { login: "renovate[bot]", type: "Bot" };
    await h.receive("issue_comment", bot);
    expect(h.outcomes[1]).toMatchObject({ status: "ignored", reason: expect.stringMatching(/allowedBots/) });
  });

  it("answers help with the commands, and a bad config with the file and field", async () => {
    const h = await harness();
    mockInstallationToken();
    repository({ permission: "admin" });
    const help = replyOn();
    await h.receive("issue_comment", commentEvent("@patchwright help"));
    expect(help()).toContain("/plan");
    expect(help()).toContain("approve");

    repository({ config: "review:\n  auto: yes please\n" });
    const complaint = replyOn();
    await h.receive("issue_comment", commentEvent("@patchwright fix it"));
    expect(complaint()).toMatch(/\.github\/patchwright\.yml: `review\.auto`/);
    expect(h.outcomes.map((o) => o.status)).toEqual(["replied", "replied"]);
  });

  it("withholds a reply that would leak, naming only the rule, and counts it on /metrics", async () => {
    const metrics = createMetrics();
    const h = await harness(undefined, metrics);
    mockInstallationToken();
    // The help text names the trigger label; with the label forbidden, the guard must stop the reply.
    repository({
      permission: "write",
      config: "guard:\n  forbiddenTerms: [falcon]\ntrigger:\n  label: falcon\n",
    });
    const help = replyOn();
    await h.receive("issue_comment", commentEvent("@patchwright help"));
    expect(help()).toMatch(/withheld this message.*forbidden-term/);
    expect(help()).not.toContain("falcon");
    expect((await metrics.render()).body).toContain('patchwright_guard_blocks_total{surface="comment"} 1');
  });
});

interface LogLine {
  level: string;
  fields: unknown;
  message: unknown;
}

/** Probot's logger, reduced to what it is called with. */
function recordingLog(lines: LogLine[], bound: object = {}): NonNullable<ProbotOptions["log"]> {
  const at =
    (level: string) =>
    (fields: unknown, message?: unknown): void => {
      // A child's bindings come first on its lines, as pino writes them.
      lines.push({ level, fields: { ...bound, ...(fields as object) }, message });
    };
  const log = {
    level: "trace",
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: (bindings: object) => recordingLog(lines, { ...bound, ...bindings }),
  };
  return log as unknown as NonNullable<ProbotOptions["log"]>;
}

describe("the App's log", () => {
  it("says why it screened an event out: event, delivery, repository and reason, never the comment", async () => {
    const lines: LogLine[] = [];
    const app = createPatchwrightApp({ runQueue: () => recordingQueue(), queue: memoryQueue() });
    const probot = await testProbot(app.appFn, { log: recordingLog(lines) });
    const quiet = "nothing to see here, just a private remark";
    await probot.receive({
      id: "screened-1",
      name: "issue_comment",
      payload: commentEvent(quiet),
    } as Parameters<Probot["receive"]>[0]);
    await probot.receive({
      id: "screened-2",
      name: "issues",
      payload: withInstallation(webhookExample("issues", (p) => p["action"] === "edited")),
    } as Parameters<Probot["receive"]>[0]);
    await app.idle();
    const info = lines.filter((l) => l.level === "info");
    expect(info).toEqual([
      {
        level: "info",
        fields: {
          name: "probot",
          deliveryId: "screened-1",
          runId: runIdForDelivery("screened-1"),
          repository: "Codertocat/Hello-World",
          reason: "no mention",
        },
        message: "event issue_comment: ignored",
      },
      {
        level: "info",
        fields: {
          name: "probot",
          deliveryId: "screened-2",
          runId: runIdForDelivery("screened-2"),
          repository: "Codertocat/Hello-World",
          reason: "issues.edited requests nothing",
        },
        message: "event issues: ignored",
      },
    ]);
    expect(JSON.stringify(lines.filter((l) => l.level !== "debug" && l.level !== "trace"))).not.toContain(
      "private remark",
    );
  });
});

describe("the App's intake", () => {
  it("answers GitHub before any slow work, and never queues events that request nothing behind it", async () => {
    const h = await harness(1); // one slot: a quiet event queued behind the slow one would wait for it
    mockInstallationToken();
    // The slow event's config lookup answers only once the quiet event has been decided.
    let answerLookup = (): void => undefined;
    const lookupAnswered = new Promise<void>((resolve) => (answerLookup = resolve));
    githubApi()
      .get(/\/contents\/\.github%2Fpatchwright\.ya?ml/)
      .times(2)
      .reply(async () => {
        await lookupAnswered;
        return [404, {}];
      })
      .get(/\/collaborators\/[^/]+\/permission$/)
      .reply(200, permissionOf("Codertocat", "read"));
    await h.probot.receive({
      id: "slow",
      name: "issue_comment",
      payload: commentEvent("@patchwright fix it"),
    } as Parameters<Probot["receive"]>[0]);
    await h.probot.receive({
      id: "quiet",
      name: "issues",
      payload: withInstallation(webhookExample("issues", (p) => p["action"] === "edited")),
    } as Parameters<Probot["receive"]>[0]);
    // Both deliveries were accepted, and the quiet one decided, while the config lookup still waits.
    expect(h.outcomes).toMatchObject([{ status: "ignored", reason: "issues.edited requests nothing" }]);
    answerLookup();
    await h.idle();
    expect(h.outcomes.map((o) => o.status)).toEqual(["ignored", "ignored"]);
    expect(h.outcomes[1]).toMatchObject({ reason: expect.stringMatching(/may not trigger/) });
  });
});

describe("the App, on pull requests", () => {
  let pushes = 0;
  function prEvent(action: string, fork = false, draft = false): Record<string, unknown> {
    const payload = withInstallation(webhookExample("pull_request", (p) => p["action"] === action));
    const pr = payload["pull_request"] as {
      draft: boolean;
      head: { sha: string; repo: { full_name: string } };
    };
    pr.draft = draft;
    pr.head.sha = String(++pushes).padStart(40, "a");
    if (fork) pr.head.repo = { ...pr.head.repo, full_name: "stranger/Hello-World" };
    return payload;
  }

  it("requests a review when review.auto is on, skipping drafts unless configured", async () => {
    const h = await harness();
    // Probot caches the installation token: one request for the whole loop.
    mockInstallationToken();
    for (const [action, draft, config, expected] of [
      ["opened", false, "review:\n  auto: true\n", "queued"],
      ["synchronize", false, "review:\n  auto: true\n", "queued"],
      ["opened", true, "review:\n  auto: true\n", "ignored"],
      ["opened", true, "review:\n  auto: true\n  drafts: true\n", "queued"],
      ["opened", false, "", "ignored"],
    ] as const) {
      repository({ config });
      await h.receive("pull_request", prEvent(action, false, draft));
      expect(h.outcomes.at(-1)?.status, `${action} draft=${draft} ${config}`).toBe(expected);
    }
    expect(h.errors).toEqual([]);
  });

  it("refuses to push to a fork but reviews it", async () => {
    const h = await harness();
    const comment = withInstallation(
      webhookExample("pull_request_review_comment", (p) => p["action"] === "created"),
    );
    const pr = comment["pull_request"] as { number: number; head: { repo: { full_name: string } } };
    pr.head.repo = { ...pr.head.repo, full_name: "stranger/Hello-World" };
    (comment["comment"] as { body: string }).body = "@patchwright rename this variable";
    mockInstallationToken();
    repository({ permission: "write" });
    // A request in words on a pull request: its thread is read for signs of frustration (none here).
    githubApi()
      .post("/graphql")
      .reply(200, threadAnswer({ pullRequest: true }));
    const refusal = replyOn(pr.number);
    await h.receive("pull_request_review_comment", comment);
    expect(refusal()).toMatch(/cannot push to a pull request from a fork/);

    (comment["comment"] as { body: string; id: number }).body = "@patchwright /review";
    (comment["comment"] as { id: number }).id += 1;
    repository({ permission: "write" });
    githubApi()
      .get(`${REPO}/issues/${pr.number}/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/pulls\/comments\/\d+\/reactions$/)
      .reply(201, reaction())
      .post(`${REPO}/issues/${pr.number}/comments`)
      .reply(201, issueComment(7));
    await h.receive("pull_request_review_comment", comment);
    expect(h.outcomes.at(-1)).toMatchObject({
      status: "queued",
      request: { kind: "review", refs: { fromFork: true } },
    });
    expect(h.errors).toEqual([]);
  });
});

describe("the App, when GitHub fails", () => {
  it("lets a redelivery (same delivery id, as GitHub keeps it) try again when the acknowledgement could not be posted", async () => {
    const h = await harness();
    mockInstallationToken();
    repository({ permission: "write" });
    githubApi()
      .get(`${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/reactions$/)
      .reply(201, reaction())
      .post(`${REPO}/issues/1/comments`)
      .reply(502, { message: "Server Error" });
    const payload = commentEvent("@patchwright add retries to the uploader");
    await h.receive("issue_comment", payload, "first");
    expect(h.outcomes).toEqual([]);
    expect(h.errors).toHaveLength(1);

    repository({ permission: "write" });
    acknowledgement(903);
    await h.receive("issue_comment", payload, "first");
    expect(h.outcomes.map((o) => o.status)).toEqual(["queued"]);
    // Handled now: the same delivery again is a duplicate, and costs no request.
    await h.receive("issue_comment", payload, "first");
    expect(h.outcomes.map((o) => o.status)).toEqual(["queued"]);
  });
});

describe("the App, on the maintenance dashboard", () => {
  const box = (mark: " " | "x") =>
    `| Task |\n\n- [${mark}] run \`tidy\`\n\n<!-- patchwright:dashboard {"tasks":{}} -->`;
  const config = [
    "maintenance:",
    "  dashboard: true",
    "  tasks:",
    "    - name: tidy",
    '      schedule: "0 6 * * *"',
    "      prompt: Tidy the README",
  ].join("\n");

  it("starts the task whose run-now box a writer ticked, then unticks it", async () => {
    const h = await harness();
    mockInstallationToken();
    repository({ config, permission: "write" });
    let unticked = "";
    githubApi()
      .get(`${REPO}/issues`)
      .query((q) => q["creator"] === "patchwright[bot]")
      .reply(
        200,
        githubExample("GET /repos/{owner}/{repo}/issues", 200, [
          { number: 5, body: box("x"), state: "open", pull_request: undefined },
        ]),
      )
      .patch(`${REPO}/issues/5`, (b: { body: string }) => ((unticked = b.body), true))
      .reply(200, githubExample("PATCH /repos/{owner}/{repo}/issues/{issue_number}", 200, { number: 5 }));
    const payload = withInstallation(webhookExample("issues", (p) => p["action"] === "edited"));
    const issue = payload["issue"] as Record<string, unknown>;
    Object.assign(issue, {
      number: 5,
      body: box("x"),
      user: { ...(issue["user"] as object), login: "patchwright[bot]", type: "Bot" },
    });
    payload["changes"] = { body: { from: box(" ") } };
    await h.receive("issues", payload, "tick-1");
    expect(h.errors).toEqual([]);
    expect(h.outcomes).toMatchObject([
      {
        status: "scheduled",
        requests: [{ kind: "maintenance", installationId: 42, maintenance: { task: "tidy" } }],
      },
    ]);
    expect(unticked).toBe(box(" "));
  });
});
