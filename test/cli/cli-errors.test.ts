import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeFsError } from "../../src/guard/sources/describe-fs-error.js";
import { useColor } from "../../src/cli/use-color.js";
import type { ModelResponse } from "../../src/agent/model-types.js";
import { ScriptedModel, textResponse } from "../../src/agent/model/replay-model.js";
import { RepoConfig } from "../../src/config/schema.js";
import { runSession } from "../../src/runs/run-session.js";
import { git, tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

// These run the built bin (dist/cli/main.js, rebuilt by the global setup), as a person would.
const BIN = join(import.meta.dirname, "../../dist/cli/main.js");
const rand = prng(17);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  prefix: string[] = [],
): Promise<Result> {
  const [cmd, ...rest] = [...prefix, process.execPath, BIN, ...args];
  return new Promise((resolve) => {
    // The timeout is only a safety net for the FIFO case, which hung before.
    execFile(
      cmd!,
      rest,
      { cwd, env: { PATH: process.env["PATH"] ?? "", HOME: cwd, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Exit 2 and exactly one plain sentence on stderr: no "internal error", no stack. */
function expectOneSentence(r: Result, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^patchwright: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |ENOENT|EACCES|ELOOP/);
}

/** The repository's worktrees and branches: must be unchanged when a run is refused. */
function repoState(repo: string): string {
  return git(repo, ["worktree", "list", "--porcelain"]) + git(repo, ["branch", "--list"]);
}

const REPLAY_ANSWER = `${JSON.stringify({
  type: "model_response",
  response: {
    model: "claude-test",
    content: [{ type: "text", text: "Nothing to change." }],
    stopReason: "end_turn",
    usage: { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
  },
})}\n`;

describe("patchwright run: mistakes are refused before anything is made", () => {
  it("a missing folder", async () => {
    const dir = tempDir();
    expectOneSentence(
      await run(["run", "--repo", "nope", "fix it"], dir),
      /nope does not exist: pass --repo/,
    );
  });

  it("a folder that is not a git repository", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "plain"));
    expectOneSentence(
      await run(["run", "--repo", "plain", "fix it"], dir),
      /plain is not a git repository: run `git init`/,
    );
  });

  it("a repository without commits", async () => {
    const dir = tempDir();
    git(dir, ["init", "-q", "-b", "main"]);
    expectOneSentence(await run(["run", "fix it"], dir), /\. has no commits yet: commit something first/);
    expect(git(dir, ["branch", "--list"])).toBe("");
  });

  it("an unknown --base, and a --base that looks like an option", async () => {
    const repo = tempRepo();
    const before = repoState(repo);
    expectOneSentence(
      await run(["run", "--base", "nosuch", "fix it"], repo),
      /--base "nosuch" is not a commit in \.: name a branch, tag or commit/,
    );
    expectOneSentence(await run(["run", "--base=--all", "fix it"], repo), /--base "--all" is not a commit/);
    expect(repoState(repo)).toBe(before);
  });

  it("an empty or whitespace-only request", async () => {
    const repo = tempRepo();
    const before = repoState(repo);
    for (const request of ["", "   \n\t"]) {
      expectOneSentence(await run(["run", request], repo), /the request is empty: say what to do/);
    }
    expect(repoState(repo)).toBe(before);
  });

  it("Bedrock without a region names the environment variable, not an option the CLI lacks", async () => {
    const repo = tempRepo();
    const before = repoState(repo);
    const r = await run(["run", "--provider", "bedrock", "fix it"], repo);
    expectOneSentence(r, /AWS_REGION is not set: set it to the AWS region/);
    expect(r.stderr).not.toContain("option");
    expect(repoState(repo)).toBe(before);
  });

  it("a dirty checkout is a one-line warning, and the run goes on from the committed base", async () => {
    const repo = tempRepo();
    writeFiles(repo, { "README.md": "# edited\n", "untracked.txt": "new\n" });
    writeFileSync(join(repo, "..", `${repo.split("/").pop()}.jsonl`), REPLAY_ANSWER);
    const r = await run(
      ["run", "--mode", "answer", "--replay", `../${repo.split("/").pop()}.jsonl`, "what is this?"],
      repo,
    );
    const warnings = r.stderr.split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toEqual([
      "patchwright: warning: . has uncommitted or untracked changes: the run starts from the committed HEAD and does not see them.",
    ]);
    expect(r.stdout).toContain("outcome:    finished");
    expect(r.code).toBe(0);
  });
});

describe("patchwright scan: each mistake is one sentence and exit 2", () => {
  it("--staged outside a repository", async () => {
    const dir = tempDir();
    expectOneSentence(
      await run(["scan", "--staged"], dir),
      /--staged scans a git repository, and .* is not in one/,
    );
  });

  it("--pack without a package.json", async () => {
    const dir = tempDir();
    expectOneSentence(
      await run(["scan", "--pack"], dir),
      /--pack scans an npm package, and this folder has no package.json/,
    );
  });

  it("a missing --config file", async () => {
    const dir = tempDir();
    expectOneSentence(
      await run(["scan", "--config", "guard.yml", "."], dir),
      /cannot read the config guard.yml: no such file or folder\./,
    );
  });

  it("a FIFO named on the command line does not hang", async () => {
    const dir = tempDir();
    execFileSync("mkfifo", [join(dir, "pipe")]); // no Node API makes a FIFO
    expectOneSentence(
      await run(["scan", "pipe"], dir),
      /pipe is a FIFO \(a named pipe\), not a file or folder/,
    );
  });

  it("a symbolic link loop is called a loop, not a missing file", async () => {
    const dir = tempDir();
    symlinkSync("b", join(dir, "a"));
    symlinkSync("a", join(dir, "b"));
    expectOneSentence(await run(["scan", "a"], dir), /a is a symbolic link that loops back on itself/);
  });

  it("an unreadable folder says permission denied", async () => {
    const dir = tempDir();
    writeFiles(dir, { "ok.ts": "export {};\n", "locked/a.ts": "export {};\n" });
    chmodSync(join(dir, "locked"), 0o000);
    // Root reads anything: run as nobody when we can, else check the sentence itself.
    if (process.getuid?.() === 0) {
      chmodSync(dir, 0o755);
      const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
      expectOneSentence(await run(["scan", "."], dir, {}, asNobody), /cannot read locked: permission denied/);
    } else {
      expectOneSentence(await run(["scan", "."], dir), /cannot read locked: permission denied/);
    }
    const err = Object.assign(new Error("EACCES: permission denied, scandir 'x'"), { code: "EACCES" });
    expect(describeFsError(err, "locked")).toBe(
      "cannot read locked: permission denied (scan it as a user who may read it, or leave it out).",
    );
  });
});

describe("an unreadable file met inside a folder", () => {
  it("says permission denied in words, not an errno code", async () => {
    const dir = tempDir();
    writeFiles(dir, { "ok.ts": "export {};\n", "private.env": "NAME=value\n" });
    chmodSync(join(dir, "private.env"), 0o000);
    chmodSync(dir, 0o755);
    // Root reads anything: run as nobody when we are root.
    const asNobody =
      process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const r = await run(["scan", "."], dir, {}, asNobody);
    expectOneSentence(
      r,
      /cannot read private\.env: permission denied \(scan it as a user who may read it, or leave it out\)/,
    );
    expect(r.code).toBe(2);
  });
});

describe("exit codes in help, and colour", () => {
  it("the top-level --help and hash-term --help list the exit codes", async () => {
    const dir = tempDir();
    const top = await run(["--help"], dir);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Exit codes: 0 .*, 1 .*, 2 could not run/);
    const hash = await run(["hash-term", "--help"], dir);
    expect(hash.stdout).toMatch(/Exit codes: 0 printed, 2 bad usage/);
  });

  it("FORCE_COLOR colours findings into a pipe; NO_COLOR and --no-color turn colour off", async () => {
    const dir = tempDir();
    writeFiles(dir, { "a.ts": `const t = "${githubToken(rand)}";\n` });
    const forced = await run(["scan", "."], dir, { FORCE_COLOR: "1" });
    expect(forced.code).toBe(1);
    expect(forced.stdout).toContain("\x1b[");
    for (const [env, args] of [
      [{}, []],
      [{ NO_COLOR: "1" }, []],
      [{ FORCE_COLOR: "0" }, []],
      [{ FORCE_COLOR: "1" }, ["--no-color"]],
    ] as const) {
      const r = await run(["scan", ".", ...args], dir, env);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain("\x1b[");
    }
    expect(useColor(true, { FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
    expect(useColor(true, { NO_COLOR: "1" }, true)).toBe(false);
    expect(useColor(true, {}, true)).toBe(true);
  });
});

describe("patchwright run --replay", () => {
  /** A real run's transcript: the model reads README.md, then answers. */
  async function recordOn(repo: string): Promise<string> {
    const readme: ModelResponse = {
      model: "claude-sonnet-4-6",
      content: [
        {
          type: "tool_use",
          id: "r1",
          name: "str_replace_based_edit_tool",
          input: { command: "view", path: "README.md" },
        },
      ],
      stopReason: "tool_use",
      usage: { inputTokens: 900, outputTokens: 40, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    };
    const result = await runSession({
      repo,
      instruction: "what is this?",
      mode: "answer",
      model: new ScriptedModel([readme, textResponse("A demo.")]),
      modelName: "claude-sonnet-4-6",
      limits: { maxTurns: 5, maxCostUsd: 1, timeoutMs: 60_000 },
      config: RepoConfig.parse({}),
      author: { name: "patchwright", email: "patchwright@example.com" },
      keep: false,
      env: { PATH: process.env["PATH"] ?? "" },
      transcriptDir: tempDir(),
    });
    return result.transcriptPath;
  }

  it("says nothing was spent, and matches its recording on the same repository", async () => {
    const repo = tempRepo({ "README.md": "# demo\n" });
    const r = await run(["run", "--mode", "answer", "--replay", await recordOn(repo), "what is this?"], repo);
    expect(r.stdout).toContain("cost:       nothing was spent (replayed; the recording's figures: $");
    expect(r.stdout).not.toContain("diverged");
    expect(r.code).toBe(0);
  });

  it("says it diverged when replayed on another repository, and fails", async () => {
    const recording = await recordOn(tempRepo({ "README.md": "# demo\n" }));
    const other = tempRepo({ "README.md": "# something else entirely\n" });
    const r = await run(["run", "--mode", "answer", "--replay", recording, "what is this?"], other);
    expect(r.stdout).toContain(
      "warning:    the replay diverged from its recording at turn 2: the tool results differ",
    );
    expect(r.stdout).toContain("nothing was spent");
    expect(r.code).toBe(1);
  });
});
