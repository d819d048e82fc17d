// GitHub Enterprise Server, tried as a new user would: REST at https://HOST/api/v3, GraphQL at
// https://HOST/api/graphql, git at https://HOST (or http, with GHE_PROTOCOL). Every request goes to a
// GHES-shaped host; nothing may reach api.github.com, and every request is checked against GitHub's
// OpenAPI description or GraphQL schema (test/helpers/github-api.ts).
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { Octokit } from "@octokit/core";
import { build } from "esbuild";
import type { Probot, Options as ProbotOptions } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import { PatchwrightOctokit } from "../../src/app/octokit.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { threadContext } from "../../src/runs/thread-context.js";
import {
  githubApi,
  githubFetch,
  graphqlReply,
  testOctokit,
  testProbot,
  TEST_INSTALLATION_TOKEN,
} from "../helpers/github-api.js";
import {
  appInfo,
  checkRun,
  githubUser,
  issueComment,
  pullRequestCreated,
  reaction,
  reviewersRequested,
} from "../helpers/github-answers.js";
import { githubDescription } from "../helpers/openapi-description.js";
import { memoryQueue, recordingQueue } from "../helpers/recording-queue.js";
import {
  API_REPO,
  configAndPermission,
  FIX_TURNS,
  graphqlActor,
  modelTurns,
  repoConfig,
  startWorld,
  testModel,
  threadAnswer,
  type World,
} from "../helpers/run-world.js";
import { git, tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";
// @ts-expect-error -- a plain .mjs build script without types
import { BUNDLE_OPTIONS } from "../../scripts/bundle-action.mjs";

const ROOT = join(import.meta.dirname, "../..");
const GHES = "http://ghes.example/api/v3";
const CONFIG = "agent:\n  testCommand: node check.js\n";
const INVALID_CONFIG = "review:\n  auto: yes\n";
const TOKEN_ONE = "installation-token-one";
const TOKEN_TWO = "installation-token-two";
const TRIGGER_AT = "2026-11-21T10:00:00Z";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** GraphQL's data for a thread, as the root the query is answered from (see `graphqlReply`). */
const threadRoot = (o: Parameters<typeof threadAnswer>[0]): object =>
  (threadAnswer(o) as { data: object }).data;

describe("GraphQL on GitHub Enterprise Server", () => {
  it("is asked at /api/graphql, not under the REST base /api/v3, by the App's and the Action's Octokit", async () => {
    // The App's (Probot's) Octokit and the Action's (@octokit/core), both on a GHES base.
    const clients = [
      testOctokit({ baseUrl: GHES }),
      new Octokit({ baseUrl: GHES, auth: TEST_INSTALLATION_TOKEN, request: { fetch: githubFetch } }),
    ];
    for (const octokit of clients) {
      githubApi(GHES)
        .post("/api/graphql")
        .reply(graphqlReply(threadRoot({ title: "Pagination drops items" })));
      const context = await threadContext(octokit, { owner: "o", repo: "r" }, 7, {
        triggerAt: TRIGGER_AT,
        botLogin: "patchwright[bot]",
      });
      expect(context.title).toBe("Pagination drops items");
    }
  });
});

describe("the bot's own comments, as GraphQL names the bot", () => {
  it("are left out of the thread's context; a person who took the bot's name, and other bots, are not", async () => {
    // GraphQL says `patchwright` with `__typename: "Bot"` where REST says `patchwright[bot]`.
    githubApi(GHES)
      .post("/api/graphql")
      .reply(
        graphqlReply(
          threadRoot({
            comments: [
              { id: 1, body: "Seen on Firefox too.", login: "ana", createdAt: "2026-11-21T09:00:00Z" },
              {
                id: 2,
                body: "👀 working on it, step 3 of 5",
                login: "patchwright[bot]",
                createdAt: "2026-11-21T09:05:00Z",
              },
              {
                id: 3,
                body: "Bumps lodash from 4.17.20 to 4.17.21.",
                login: "dependabot[bot]",
                createdAt: "2026-11-21T09:06:00Z",
              },
              {
                id: 4,
                body: "I am a person who happens to be called patchwright.",
                login: "patchwright",
                createdAt: "2026-11-21T09:07:00Z",
              },
            ],
          }),
        ),
      );
    expect(graphqlActor("patchwright[bot]")).toEqual({ __typename: "Bot", login: "patchwright" });
    const context = await threadContext(testOctokit({ baseUrl: GHES }), { owner: "o", repo: "r" }, 7, {
      triggerAt: TRIGGER_AT,
      botLogin: "patchwright[bot]",
    });
    expect(context.text).toContain("@ana at 2026-11-21T09:00:00Z:\n> Seen on Firefox too.");
    expect(context.text).not.toContain("working on it");
    expect(context.text).toContain("@dependabot[bot] at 2026-11-21T09:06:00Z:\n> Bumps lodash");
    expect(context.text).toContain("@patchwright at 2026-11-21T09:07:00Z:\n> I am a person");
  });
});

// ---------------------------------------------------------------------------------------------------
// The App on a GHES host: GHE_HOST is the world's git server (127.0.0.1:port), so git really goes there;
// its API is stubbed by nock at http://127.0.0.1:port/api/v3 and /api/graphql.

interface GhesApp {
  api: string;
  outcomes: Outcome[];
  errors: unknown[];
  receive(name: string, payload: Record<string, unknown>): Promise<void>;
}

let ids = 0;

async function ghesApp(w: World, options: ProbotOptions = {}): Promise<GhesApp> {
  const host = new URL(w.server.url).host;
  const api = `http://${host}/api/v3`;
  const outcomes: Outcome[] = [];
  const errors: unknown[] = [];
  const app = createPatchwrightApp({
    model: testModel(),
    // No gitUrl: the App builds it from GHE_HOST and GHE_PROTOCOL, as `npm start` does.
    env: { PATH: process.env["PATH"] ?? "", GHE_HOST: host, GHE_PROTOCOL: "http" },
    stateDir: tempDir("pw-state-"),
    progressIntervalMs: 0,
    newRunId: () => `run-ghes-${++ids}`,
    onOutcome: (_e, o) => outcomes.push(o),
    onError: (_e, err) => errors.push(err),
  });
  const probot = await testProbot(app.appFn, { baseUrl: api, ...options });
  githubApi(api)
    .get("/app")
    .reply(200, appInfo("patchwright", { id: 1 }));
  return {
    api,
    outcomes,
    errors,
    async receive(name, payload) {
      await probot.receive({ id: `d-${++ids}`, name, payload } as Parameters<Probot["receive"]>[0]);
      await app.idle();
    },
  };
}

function mention(body: string): Record<string, unknown> {
  const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
  const comment = payload["comment"] as { body: string; id: number };
  comment.body = body;
  comment.id = 7000 + ids;
  (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
  return { ...payload, installation: { id: 42, node_id: "x" } };
}

/** Everything a mention run on issue 1 asks of the GHES API before the model: the front door, the executor. */
function mentionOnGhes(api: string, trackingId: number): string[] {
  const edits: string[] = [];
  configAndPermission(CONFIG, "write", githubApi(api))
    .post("/app/installations/42/access_tokens")
    .reply(201, { token: TOKEN_ONE, expires_at: new Date(Date.now() + 3600_000).toISOString() })
    .get(`${API_REPO}/issues/1/comments`)
    .query(true)
    .reply(200, [])
    .post(/\/reactions$/)
    .reply(201, reaction("eyes", { id: 1 }))
    .post(`${API_REPO}/issues/1/comments`)
    .reply(201, issueComment(trackingId, { html_url: `http://ghes/Codertocat/Hello-World/issues/1#c` }))
    .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
    .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
    .post("/api/graphql")
    .reply(graphqlReply(threadRoot({})));
  githubApi(api)
    .persist()
    .patch(`${API_REPO}/issues/comments/${trackingId}`, (b: { body: string }) => (edits.push(b.body), true))
    .reply(200, issueComment(trackingId, { html_url: "http://ghes/Codertocat/Hello-World/issues/1#c" }));
  return edits;
}

describe("the App with GHE_HOST and GHE_PROTOCOL=http", () => {
  it("clones from GHE_HOST over plain http", async () => {
    world = await startWorld([TOKEN_ONE]);
    const h = await ghesApp(world);
    const edits = mentionOnGhes(h.api, 950);
    const plan = "- [ ] Make the page size an option\n\nRisks: none.";
    modelTurns([[{ type: "text", text: plan }]]);

    await h.receive("issue_comment", mention("@patchwright /plan make the page size configurable"));

    expect(h.errors).toEqual([]);
    expect(edits.at(-1)).toContain("here is the plan");
    expect(edits.at(-1)).toContain("Make the page size an option");
    // The plan run read the repository from the GHES host's git, with the installation token.
    expect(world.server.tokensSeen).toContain(TOKEN_ONE);
  });

  it("mints the fresh token a push uses on the GHES API, not on api.github.com", async () => {
    world = await startWorld([TOKEN_ONE]);
    const w = world;
    // The App's own Octokit (the fix lives there), with only the fetch, retries and throttling changed.
    const h = await ghesApp(w, {
      Octokit: PatchwrightOctokit.defaults((instance: Record<string, unknown>) => ({
        ...instance,
        request: { ...(instance["request"] as object | undefined), fetch: githubFetch, retries: 0 },
        retry: { enabled: false },
        throttle: { ...(instance["throttle"] as object | undefined), enabled: false },
      })),
    });
    const edits = mentionOnGhes(h.api, 951);
    modelTurns(FIX_TURNS);
    // The token the run started with expires; only the one minted for the push is accepted.
    githubApi(h.api)
      .post("/app/installations/42/access_tokens")
      .reply(201, () => {
        w.server.allowed.clear();
        w.server.allowed.add(TOKEN_TWO);
        return { token: TOKEN_TWO, expires_at: new Date(Date.now() + 3600_000).toISOString() };
      })
      // Whether the run's new branch is protected, when the push asks (it does not exist yet).
      .get(/\/branches\/patchwright(%2F|\/)issue-1-/)
      .optionally()
      .reply(404, { message: "Branch not found" })
      .post(`${API_REPO}/pulls`)
      .reply(201, pullRequestCreated(2, { html_url: "http://ghes/Codertocat/Hello-World/pull/2" }))
      .post(`${API_REPO}/pulls/2/requested_reviewers`)
      .reply(201, reviewersRequested(2));

    await h.receive("issue_comment", mention("@patchwright fix the off-by-one in pagination"));

    expect(h.errors).toEqual([]);
    expect(edits.at(-1)).toContain("opened #2");
    const branch = "patchwright/issue-1-fix-the-off-by-one-in";
    expect(git(w.remote, ["show", `${branch}:src/page.js`])).toContain("i < end");
    expect(w.server.tokensSeen.at(-1)).toBe(TOKEN_TWO);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("an invalid config on an event without a mention", () => {
  it("the App: a failed check on the pull request, and a warning naming the repository and the field", async () => {
    const lines: { level: string; message: unknown }[] = [];
    const at = (level: string) => (_fields: unknown, message?: unknown) =>
      void lines.push({ level, message });
    const log = {
      level: "trace",
      ...Object.fromEntries(["trace", "debug", "info", "warn", "error", "fatal"].map((l) => [l, at(l)])),
      child: () => log,
    };
    const outcomes: Outcome[] = [];
    const app = createPatchwrightApp({
      guardCheck: false,
      runQueue: () => recordingQueue(),
      queue: memoryQueue(),
      onOutcome: (_e, o) => outcomes.push(o),
    });
    const probot = await testProbot(app.appFn, {
      baseUrl: GHES,
      log: log as unknown as NonNullable<ProbotOptions["log"]>,
    });
    const payload = webhookExample("pull_request", (p) => p["action"] === "opened");
    const head = (payload["pull_request"] as { head: { sha: string } }).head.sha;
    let check: Record<string, unknown> = {};
    repoConfig(INVALID_CONFIG, githubApi(GHES))
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }))
      .post("/app/installations/42/access_tokens")
      .reply(201, { token: TOKEN_ONE, expires_at: new Date(Date.now() + 3600_000).toISOString() })
      .post(`${API_REPO}/check-runs`, (b: Record<string, unknown>) => ((check = b), true))
      .reply(201, checkRun(1));

    await probot.receive({
      id: "pr-1",
      name: "pull_request",
      payload: { ...payload, installation: { id: 42, node_id: "x" } },
    } as Parameters<Probot["receive"]>[0]);
    await app.idle();

    expect(outcomes).toEqual([expect.objectContaining({ status: "ignored", reason: "invalid config" })]);
    expect(check).toMatchObject({ head_sha: head, status: "completed", conclusion: "failure" });
    const summary = (check["output"] as { summary: string }).summary;
    expect(summary).toContain(".github/patchwright.yml: `review.auto` must be true or false");
    const warnings = lines.filter((l) => l.level === "warn").map((l) => String(l.message));
    expect(warnings).toContainEqual(
      expect.stringMatching(/Codertocat\/Hello-World: \.github\/patchwright\.yml: `review\.auto`/),
    );
  });

  it("the Action: on a schedule, an error on the file naming the field, the job summary, and a failed job", async () => {
    // The Action as GitHub runs it (the current sources, bundled), against a GHES-shaped API on loopback:
    // it must find the API through GITHUB_API_URL. Each request is checked against GitHub's description.
    const seen: string[] = [];
    const problems: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://ghes");
      seen.push(`${req.method} ${url.pathname}${url.search}`);
      const path = url.pathname.replace(/^\/api\/v3/, "");
      const checked = githubDescription().check({
        method: req.method ?? "GET",
        path,
        query: url.searchParams,
        // Only one GET is expected; `seen` shows anything else.
        contentType: undefined,
        body: undefined,
      });
      problems.push(...checked.problems.map((p) => p.message));
      if (req.method === "GET" && path === `${API_REPO}/contents/.github%2Fpatchwright.yml`) {
        const content = Buffer.from(INVALID_CONFIG).toString("base64");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "file", encoding: "base64", content }));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bundle = join(tempDir(), "action.js");
      await build({ ...(BUNDLE_OPTIONS as object), outfile: bundle, absWorkingDir: ROOT });
      const dir = tempDir();
      const event = join(dir, "event.json");
      const summary = join(dir, "summary.md");
      const output = join(dir, "output");
      writeFileSync(event, JSON.stringify({ schedule: "17 3 * * *" }));
      writeFileSync(summary, "");
      writeFileSync(output, "");
      const result = await promisify(execFile)(process.execPath, [bundle], {
        env: {
          PATH: process.env["PATH"] ?? "",
          GITHUB_EVENT_NAME: "schedule",
          GITHUB_EVENT_PATH: event,
          GITHUB_REPOSITORY: "Codertocat/Hello-World",
          GITHUB_REF_NAME: "master",
          GITHUB_API_URL: `${origin}/api/v3`,
          GITHUB_GRAPHQL_URL: `${origin}/api/graphql`,
          GITHUB_SERVER_URL: origin,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_OUTPUT: output,
          INPUT_GITHUB_TOKEN: "workflow-token",
          INPUT_MODE: "agent",
        },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
      );
      // The config, then the maintenance dashboard the error would be written on (none here: 404).
      expect(seen).toEqual([
        `GET /api/v3${API_REPO}/contents/.github%2Fpatchwright.yml?ref=master`,
        `GET /api/v3${API_REPO}/issues?state=all&creator=github-actions%5Bbot%5D&sort=created&direction=desc&page=1&per_page=100`,
      ]);
      expect(problems).toEqual([]);
      const error = result.stdout.split("\n").find((l) => l.startsWith("::error "));
      expect(error).toBeDefined();
      expect(error).toContain("file=.github/patchwright.yml");
      expect(error).toContain("title=patchwright%3A invalid config");
      expect(error).toMatch(/::patchwright cannot run: \.github\/patchwright\.yml: `review\.auto` must be/);
      expect(readFileSync(summary, "utf8")).toContain("`review.auto` must be true or false");
      expect(result.code).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  }, 60_000);
});
