// `npm run demo`: a mention run without credentials or network. A recorded transcript stands in for the
// model (demo/recorded-run.jsonl, replayed by ReplayModel), a bare repository in a temporary folder is
// `origin`, and GitHub's API is simulated in-process (fake-github.mjs). Everything in between is the
// real code path: the front door, the queue, the executor, the harness and its tools, the leak guard,
// the guarded push. Prints the timeline.
import { execFileSync } from "node:child_process";
import console from "node:console";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";
import { fakeGitHub } from "./fake-github.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
if (!existsSync(join(ROOT, "dist/runs/execute-run.js"))) {
  console.error("dist/ is missing: run npm ci (or npm run build) first.");
  process.exit(2);
}
const { ReplayModel } = await import("../dist/agent/model/replay-model.js");
const { handleEvent } = await import("../dist/runs/front-door.js");
const { createRunExecutor } = await import("../dist/runs/execute-run.js");
const { SqliteQueue } = await import("../dist/runs/queue/sqlite-queue.js");
const { outstanding } = await import("../dist/runs/queue/durable-queue.js");
const { rulesRouter } = await import("../dist/request/route-intent.js");

const started = Date.now();
const timeline = (what) => console.log(`${String(Date.now() - started).padStart(6)} ms  ${what}`);
const work = mkdtempSync(join(tmpdir(), "patchwright-demo-"));
const git = (cwd, ...args) =>
  execFileSync("git", args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Demo",
      GIT_AUTHOR_EMAIL: "demo@example.com",
      GIT_COMMITTER_NAME: "Demo",
      GIT_COMMITTER_EMAIL: "demo@example.com",
    },
  }).toString();

try {
  console.log(
    "REPLAY — a recorded model transcript, a local bare repository as origin, GitHub's API simulated",
  );
  console.log("in-process. Nothing leaves this machine; no key is needed.\n");

  const project = join(work, "project");
  const files = {
    "README.md": "# pager\n",
    "package.json": '{ "type": "module", "scripts": { "test": "node check.js" } }\n',
    "src/page.js":
      "export function page(items, size, n) {\n  const out = [];\n  const end = Math.min(items.length, (n + 1) * size);\n  for (let i = n * size; i <= end; i++) out.push(items[i]);\n  return out;\n}\n",
    "check.js":
      'import { page } from "./src/page.js";\nconst got = page([1, 2, 3, 4, 5], 2, 0).length;\nif (got !== 2) {\n  console.error(`expected 2 items, got ${got}`);\n  process.exit(1);\n}\nconsole.log("ok");\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  git(project, "init", "-q", "-b", "main");
  git(project, "add", "-A");
  git(project, "commit", "-q", "-m", "pager");
  const origin = join(work, "origin.git");
  git(work, "clone", "-q", "--bare", project, origin);
  timeline(`origin: a bare repository at ${origin}`);

  const issue = {
    title: "Pagination shows one item too many",
    body: "Every page of the results list repeats the first item of the next page.",
    createdAt: "2026-11-21T09:00:00Z",
    author: "octo-maintainer",
  };
  const github = fakeGitHub({ owner: "octo", name: "pager", issue, timeline });
  const model = ReplayModel.fromFile(join(ROOT, "demo/recorded-run.jsonl"));
  const log = { info: () => undefined, warn: (m, f) => timeline(`warning: ${m} ${JSON.stringify(f ?? {})}`) };
  const executor = createRunExecutor({
    octokitFor: async () => github.octokit,
    tokenFor: async () => undefined,
    remoteUrlFor: () => origin,
    model,
    defaultModel: "claude-sonnet-4-6",
    botLogin: "patchwright[bot]",
    author: { name: "patchwright[bot]", email: "4242+patchwright[bot]@users.noreply.github.com" },
    env: { PATH: process.env.PATH ?? "" },
    now: () => new Date(),
    log,
    serverUrl: "https://github.com",
    progressIntervalMs: 0,
  });
  // The App's durable queue (SQLite, in the demo's folder) and a worker over it.
  const say = (m, f) => timeline(`queue: ${m} ${JSON.stringify(f ?? {})}`);
  const store = new SqliteQueue(join(work, "queue.sqlite"), {
    leaseMs: 30_000,
    maxRestarts: 2,
    log: { info: () => {}, warn: say, error: say },
  });
  const worker = store.work(
    {
      event: async () => {},
      run: (request, _restarts, signal) => executor(request, signal),
      abandoned: async () => {},
    },
    { eventConcurrency: 1, runConcurrency: 1 },
  );
  const queue = {
    add: async (request) => void (await store.enqueue(request)),
    cancel: (key) => store.cancel(key),
    claimTrigger: (key, delivery) => store.claimTrigger(key, delivery),
  };

  const body = "@patchwright fix the off-by-one in pagination";
  timeline(`@octo-maintainer commented on issue #1: "${body}"`);
  const outcome = await handleEvent(
    {
      id: "demo-delivery",
      name: "issue_comment",
      payload: {
        action: "created",
        repository: {
          name: "pager",
          full_name: "octo/pager",
          owner: { login: "octo" },
          default_branch: "main",
          private: false,
        },
        sender: { login: "octo-maintainer", id: 7, type: "User" },
        issue: {
          number: 1,
          title: issue.title,
          body: issue.body,
          user: { login: "octo-maintainer", id: 7 },
          created_at: issue.createdAt,
        },
        comment: {
          id: 99,
          body,
          user: { login: "octo-maintainer", id: 7, type: "User" },
          created_at: "2026-11-21T09:05:00Z",
        },
      },
    },
    {
      octokit: github.octokit,
      queue,
      botLogin: "patchwright[bot]",
      router: rulesRouter,
      newRunId: () => "demo-1",
      now: () => new Date(),
      log,
    },
  );
  timeline(
    `front door: ${outcome.status}${outcome.status === "queued" ? ` (${outcome.request.kind} run)` : ""}`,
  );
  while (outstanding(await store.counts()) > 0)
    await new Promise((resolve) => globalThis.setTimeout(resolve, 20));
  await worker.stop(0);
  await store.close();

  const branch = git(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads/patchwright/").trim();
  console.log(`\norigin now has ${branch || "no new branch"}:`);
  if (branch) console.log(git(origin, "log", "-1", "--stat", "--format=%an <%ae>%n%n%B", branch).trimEnd());
  const pr = github.pulls[0];
  if (pr) console.log(`\n--- pull request #${pr.number}: ${pr.title} ---\n${pr.body}`);
  const report = [...github.comments.values()].at(-1);
  if (report) console.log(`\n--- tracking comment, final ---\n${report.body}`);
  if (!pr) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
