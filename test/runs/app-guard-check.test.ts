import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import {
  githubApi,
  mockInstallationToken,
  testProbot,
  TEST_INSTALLATION_TOKEN,
} from "../helpers/github-api.js";
import { appInfo, checkRun, configFile } from "../helpers/github-answers.js";
import { memoryQueue, recordingQueue } from "../helpers/recording-queue.js";
import { API_REPO, startWorld, type World } from "../helpers/run-world.js";
import { git, tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";
import { webhookExample } from "../helpers/webhook-examples.js";

interface CheckBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  output?: {
    title: string;
    summary: string;
    annotations?: { path: string; start_line: number; end_line: number; message: string; title?: string }[];
  };
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Commits on a new branch of the remote, published as pull request `number`'s head; returns its sha. */
function pushCommits(w: World, branch: string, number: number, commits: Record<string, string>[]): string {
  const work = tempDir("pw-pr-");
  git(work, ["clone", "-q", w.remote, "."]);
  git(work, ["checkout", "-q", "-b", branch]);
  for (const [i, files] of commits.entries()) {
    writeFiles(work, files);
    git(work, ["add", "-A"]);
    git(work, ["commit", "-q", "-m", `step ${i + 1}`]);
  }
  git(work, ["push", "-q", "origin", `${branch}:refs/heads/${branch}`]);
  const sha = git(work, ["rev-parse", "HEAD"]).trim();
  git(w.remote, ["update-ref", `refs/pull/${number}/head`, sha]);
  return sha;
}

/**
 * The App receiving a real `pull_request` payload for `base..head`, with GitHub answering the config
 * (read twice: by the front door and by the check) and recording every check-run request's body.
 */
async function receivePullRequest(
  w: World,
  o: { base: string; head: string; config: string; action?: string; expectCheck?: boolean },
): Promise<{ created: CheckBody[]; updates: CheckBody[]; bodies: string[] }> {
  const app = createPatchwrightApp({
    runQueue: () => recordingQueue(),
    queue: memoryQueue(),
    gitUrl: w.gitUrl,
    env: {},
  });
  const probot: Probot = await testProbot(app.appFn);
  const created: CheckBody[] = [];
  const updates: CheckBody[] = [];
  const bodies: string[] = [];
  const api = githubApi()
    .get("/app")
    .reply(200, appInfo("patchwright", { id: 1 }))
    .get(/\/contents\/\.github%2Fpatchwright\.yml/)
    .query({ ref: "master" })
    .times(2)
    .reply(200, configFile(o.config));
  mockInstallationToken(api.persist());
  if (o.expectCheck !== false) {
    api
      .post(
        `${API_REPO}/check-runs`,
        (b: CheckBody) => (created.push(b), bodies.push(JSON.stringify(b)), true),
      )
      .reply(201, checkRun(555))
      .patch(
        `${API_REPO}/check-runs/555`,
        (b: CheckBody) => (updates.push(b), bodies.push(JSON.stringify(b)), true),
      )
      .times(10)
      .reply(200, checkRun(555));
  }
  const payload = webhookExample("pull_request", (p) => p["action"] === (o.action ?? "opened"));
  const pr = payload["pull_request"] as { head: { sha: string }; base: { sha: string } };
  pr.head.sha = o.head;
  pr.base.sha = o.base;
  await probot.receive({
    id: `d-${o.head}`,
    name: "pull_request",
    payload: { ...payload, installation: { id: 42, node_id: "x" } },
  } as Parameters<Probot["receive"]>[0]);
  await app.idle();
  return { created, updates, bodies };
}

const masterOf = (w: World): string => git(w.remote, ["rev-parse", "master"]).trim();

describe("the App's leak guard check on pull requests", () => {
  it("fails a pull request adding a token, with an annotation on its line and the value redacted", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const token = githubToken(prng(7));
    const head = pushCommits(world, "leak", 3, [
      {
        "src/settings.js": `export const api = "https://api.example.com";\n\nexport const key = "${token}";\n`,
      },
    ]);
    const { created, updates, bodies } = await receivePullRequest(world, {
      base: masterOf(world),
      head,
      config: "",
    });
    expect(created).toEqual([
      expect.objectContaining({ name: "patchwright leak guard", head_sha: head, status: "in_progress" }),
    ]);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(updates[0]!.output!.annotations).toEqual([
      expect.objectContaining({ path: "src/settings.js", start_line: 3, end_line: 3 }),
    ]);
    expect(updates[0]!.output!.annotations![0]!.message).toContain(token.slice(0, 4));
    // Not the value, nor any long piece of it, in any request GitHub was sent.
    for (const body of bodies) expect(body).not.toContain(token.slice(0, 12));
    expect(updates[0]!.output!.summary).toContain("`src/settings.js` line 3");
  });

  it("fails on a finding of any confidence: a low-confidence generic one too", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const head = pushCommits(world, "weak", 8, [{ "settings.py": `db_password = "${prng(11)(16)}"\n` }]);
    const { updates } = await receivePullRequest(world, { base: masterOf(world), head, config: "" });
    expect(updates).toEqual([expect.objectContaining({ status: "completed", conclusion: "failure" })]);
    expect(updates[0]!.output!.annotations).toEqual([
      expect.objectContaining({ path: "settings.py", title: "patchwright: generic-secret-assignment" }),
    ]);
  });

  it("lists a dotenv file without failing when the default branch sets guard.policy.envFiles: warn", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const head = pushCommits(world, "settings", 9, [
      { "web/.env.production": "NEXT_PUBLIC_SITE=https://a.example\n" },
    ]);
    const { updates } = await receivePullRequest(world, {
      base: masterOf(world),
      head,
      config: "guard:\n  policy:\n    envFiles: warn\n",
    });
    expect(updates).toEqual([expect.objectContaining({ status: "completed", conclusion: "success" })]);
    expect(updates[0]!.output!.summary).toMatch(
      /Reported without blocking[^\n]*\n- `env-file` in `web\/\.env\.production`/,
    );
  });

  it("passes a clean pull request, on synchronize too", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const head = pushCommits(world, "clean", 4, [{ "src/page.js": "export const size = 20;\n" }]);
    const { updates } = await receivePullRequest(world, {
      base: masterOf(world),
      head,
      config: "",
      action: "synchronize",
    });
    expect(updates).toEqual([expect.objectContaining({ status: "completed", conclusion: "success" })]);
  });

  // eslint-disable-next-line vitest/expect-expect -- receivePullRequest asserts, and the setup fails an unmatched check-run request
  it("posts no check when the default branch's config sets guard.check: false", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const head = pushCommits(world, "quiet", 5, [{ "a.txt": `${githubToken(prng(8))}\n` }]);
    // Any check-run request would be unmatched and fail the test.
    await receivePullRequest(world, {
      base: masterOf(world),
      head,
      config: "guard:\n  check: false\n",
      expectCheck: false,
    });
  });

  it("judges a pull request by the default branch's rules, not the guard.allow its head adds", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const token = githubToken(prng(9));
    const head = pushCommits(world, "loosen", 6, [
      {
        ".github/patchwright.yml": 'guard:\n  allow:\n    paths: ["**"]\n    values: [".*"]\n',
        "deploy.sh": `TOKEN=${token} ./deploy # patchwright:allow\n`,
      },
    ]);
    const { updates, bodies } = await receivePullRequest(world, {
      base: masterOf(world),
      head,
      config: "review:\n  auto: false\n",
    });
    expect(updates.at(-1)).toMatchObject({ conclusion: "failure" });
    expect(updates.at(-1)!.output!.annotations).toEqual([
      expect.objectContaining({ path: "deploy.sh", start_line: 1 }),
    ]);
    for (const body of bodies) expect(body).not.toContain(token.slice(0, 12));
  });

  it("fails with a sentence when the range cannot be fetched, never success", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const head = pushCommits(world, "orphan", 7, [{ "a.txt": "fine\n" }]);
    // A base that is not on the server (force-pushed away): nothing can be compared against it.
    const { updates } = await receivePullRequest(world, { base: "b".repeat(40), head, config: "" });
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "The leak guard could not scan this pull request" },
    });
    expect(updates[0]!.output!.summary).toMatch(
      /^The leak guard could not scan this pull request's commits, so it cannot call them clean: it could not fetch/,
    );
  });

  it("reaches past a shallow fetch: a token added by the first of 60 commits and removed by the next", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const token = githubToken(prng(10));
    // Removed at once, the token is in no later tree: only the first commit's own diff shows it.
    const commits = [
      { "first.txt": `${token}\n` },
      { "first.txt": "gone\n" },
      ...Array.from({ length: 58 }, (_, i) => ({ "n.txt": `${i}\n` })),
    ];
    const head = pushCommits(world, "long", 8, commits);
    const { updates } = await receivePullRequest(world, { base: masterOf(world), head, config: "" });
    expect(updates.at(-1)).toMatchObject({ conclusion: "failure" });
    expect(updates.at(-1)!.output!.annotations).toEqual([
      expect.objectContaining({ path: "first.txt", start_line: 1 }),
    ]);
  });

  it("sends more than 50 annotations in batches of 50, the conclusion with the last", async () => {
    world = await startWorld([TEST_INSTALLATION_TOKEN]);
    const rand = prng(11);
    const lines = Array.from({ length: 60 }, () => `key=${githubToken(rand)}`).join("\n");
    const head = pushCommits(world, "many", 9, [{ "keys.env": `${lines}\n` }]);
    const { updates } = await receivePullRequest(world, { base: masterOf(world), head, config: "" });
    expect(updates.map((u) => u.output?.annotations?.length)).toEqual([50, 10]);
    expect(updates[0]).not.toHaveProperty("conclusion");
    expect(updates[1]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(updates[1]!.output!.annotations!.at(-1)).toMatchObject({ path: "keys.env", start_line: 60 });
  });
});
