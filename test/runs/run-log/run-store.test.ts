import { once } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../../src/config/schema.js";
import { KnownSecrets, withKnownSecrets } from "../../../src/guard/known-secrets.js";
import type { RunRequest } from "../../../src/request/run-request.js";
import { pageToken, pageTokenMatches, runPageUrl } from "../../../src/runs/run-log/page-token.js";
import { storeRunLog } from "../../../src/runs/run-log/run-log.js";
import { RunStore } from "../../../src/runs/run-log/run-store.js";
import { timelineMarkdown } from "../../../src/runs/run-log/timeline.js";
import { tempDir } from "../../helpers/temp-repo.js";
import { githubToken, prng } from "../../helpers/tokens.js";

const DAY = 24 * 3600_000;

function request(id: string, guard = RepoConfig.parse({}).guard): RunRequest {
  const config = RepoConfig.parse({});
  return {
    id,
    kind: "implement",
    repository: { owner: "Octo", name: "Demo", defaultBranch: "main", private: false },
    thread: { number: 7, isPullRequest: false },
    trigger: { event: "issue_comment", deliveryId: "d", key: "k", author: "octocat" },
    instruction: "fix it",
    refs: { base: "main", fromFork: false },
    config: { ...config, guard },
    requestedAt: new Date(0).toISOString(),
  };
}

const queued = (id: string) => ({ ...request(id), author: "octocat" });

function world(now: { t: number }) {
  const store = new RunStore(join(tempDir("pw-runs-"), "runs.sqlite"), {
    retentionMs: 14 * DAY,
    now: () => now.t,
  });
  const warnings: string[] = [];
  const log = storeRunLog({
    store,
    pageUrl: (id) => `https://pw.example/runs/${id}`,
    log: { warn: (m) => warnings.push(m) },
  });
  return { store, log, warnings };
}

describe("the run store", () => {
  it("keeps a run's timeline with every text redacted by the run's guard, its own tokens included", () => {
    const now = { t: Date.UTC(2026, 11, 1) };
    const { store, log, warnings } = world(now);
    const rand = prng(7);
    const leaked = githubToken(rand);
    // A value no rule knows, only the run's known secrets: found because the request's guard carries it.
    const own = `installation-${rand(24)}`;
    const req = request("r1", withKnownSecrets(RepoConfig.parse({}).guard, new KnownSecrets([own])));
    const url = log.queued(
      { ...req, author: "octocat", instruction: `use ${leaked} please` },
      req.config.guard,
    );
    expect(url).toBe("https://pw.example/runs/r1");
    log.started(req);
    log.event(req, { type: "turn_started", turn: 1 });
    log.event(req, {
      type: "tool_requested",
      turn: 1,
      id: "t",
      name: "bash",
      input: { command: `echo ${own}` },
    });
    log.event(req, {
      type: "tool_result",
      turn: 1,
      id: "t",
      name: "bash",
      isError: false,
      content: `${leaked}\n${"x".repeat(5000)}`,
      ms: 3,
    });
    log.event(req, {
      type: "model_response",
      turn: 1,
      costUsd: 0.25,
      response: {
        model: "m",
        content: [],
        stopReason: "end_turn",
        usage: { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      },
    } as never);
    log.finished(req, {
      outcome: "blocked",
      headline: "blocked",
      details: `- \`github-token\` in x: ${leaked}\n\nallow it`,
      links: [],
      elapsedMs: 10,
    });

    expect(warnings).toEqual([]);
    const stored = JSON.stringify([store.get("r1"), store.entriesAfter("r1", 0)]);
    expect(stored).not.toContain(leaked);
    expect(stored).not.toContain(own);
    const record = store.get("r1")!;
    expect(record).toMatchObject({
      state: "finished",
      outcome: "blocked",
      costUsd: 0.25,
      threadKey: "octo/demo#7",
      repository: "octo/demo",
    });
    const entries = store.entriesAfter("r1", 0).map((e) => e.entry);
    expect(entries.map((e) => e.type)).toEqual([
      "status",
      "turn",
      "tool",
      "tool_result",
      "cost",
      "guard",
      "report",
    ]);
    const result = entries[3] as { output: string };
    expect(result.output).toMatch(/…\(\d+ more characters\)$/);
    expect(result.output.length).toBeLessThan(2100);
    expect(entries[5]).toMatchObject({ type: "guard" });
  });

  it("forgets runs past the retention, and a page expires with its record", () => {
    const now = { t: Date.UTC(2026, 11, 1) };
    const { store, log, warnings } = world(now);
    log.queued(queued("old"), RepoConfig.parse({}).guard);
    expect(warnings).toEqual([]);
    now.t += 10 * DAY;
    log.queued(queued("new"), RepoConfig.parse({}).guard);
    now.t += 5 * DAY;
    // 15 days after the first: its page is gone before any prune.
    expect(store.get("old")).toBeUndefined();
    expect(store.get("new")).toBeDefined();
    expect(store.prune(new Date(now.t - 14 * DAY))).toBe(1);
    expect(store.list().map((r) => r.id)).toEqual(["new"]);
  });

  it("drops queued runs on a cancelled thread and those replaced, and lists by filter", () => {
    const now = { t: Date.UTC(2026, 11, 1) };
    const { store, log } = world(now);
    const guard = RepoConfig.parse({}).guard;
    log.queued(queued("a"), guard);
    log.queued({ ...queued("b"), kind: "review", repository: { owner: "Octo", name: "Other" } }, guard);
    log.cancelled("octo/demo#7");
    expect(store.get("a")).toMatchObject({ state: "dropped", outcome: "cancelled" });
    expect(store.list({ kind: "review" }).map((r) => r.id)).toEqual(["b"]);
    expect(store.list({ repository: "Octo/Other" }).map((r) => r.id)).toEqual(["b"]);
    expect(store.list({ outcome: "cancelled" }).map((r) => r.id)).toEqual(["a"]);
    expect(store.countsByState()).toEqual({ queued: 1, running: 0, finished: 0, dropped: 1 });
  });
});

describe("page tokens", () => {
  it("are 256-bit HMACs of the run id: another run's, a cut or a changed token does not match", () => {
    const key = Buffer.alloc(32, 1);
    const token = pageToken(key, "run-1");
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(pageTokenMatches(key, "run-1", token)).toBe(true);
    expect(pageTokenMatches(key, "run-2", token)).toBe(false);
    expect(pageTokenMatches(key, "run-1", token.slice(0, -1))).toBe(false);
    expect(pageTokenMatches(Buffer.alloc(32, 2), "run-1", token)).toBe(false);
    expect(runPageUrl("https://pw.example/", key, "a b")).toBe(
      `https://pw.example/runs/a%20b?t=${pageToken(key, "a b")}`,
    );
  });
});

describe("the timeline as markdown", () => {
  it("fences bodies so tool output cannot close its block, and escapes titles", () => {
    const md = timelineMarkdown([
      { type: "tool", turn: 1, name: "bash<img src=x onerror=alert(1)>", input: "```\n# injected" },
      { type: "report", outcome: "failed", headline: "**bold** [link](javascript:alert(1))" },
    ]);
    expect(md).toContain("bash\\<img src=x onerror=alert\\(1\\)\\>");
    expect(md).toContain("  ````text\n  ```\n  # injected\n  ````");
    // Markdown in a body stays inside its fence: shown as text, never as a link.
    expect(md).toContain("  ```text\n  **bold** [link](javascript:alert(1))\n  ```");
  });

  it("adds to a timeline while another process holds the write lock, instead of losing the entry", async () => {
    const path = join(tempDir("pw-runs-"), "runs.sqlite");
    const store = new RunStore(path, { retentionMs: 14 * DAY });
    store.create({
      id: "run-1",
      repository: "Octo/Demo",
      thread: 7,
      threadKey: "octo/demo#7",
      kind: "implement",
      author: "octocat",
      instruction: "fix it",
    });
    // Another worker's connection, in a thread of its own: it takes the write lock, holds it a moment, commits.
    const holder = new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
       const db = new (require("better-sqlite3"))(workerData.path);
       db.exec("BEGIN IMMEDIATE");
       db.prepare("UPDATE runs SET state = state WHERE 0").run();
       parentPort.postMessage("locked");
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       db.exec("COMMIT");
       db.close();`,
      { eval: true, workerData: { path } },
    );
    const exited = once(holder, "exit");
    await once(holder, "message");
    store.append("run-1", { type: "status", text: "working" });
    await exited;
    expect(store.entriesAfter("run-1", 0).map((e) => e.entry)).toContainEqual({
      type: "status",
      text: "working",
    });
  });
});
