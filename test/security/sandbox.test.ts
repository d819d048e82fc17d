import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ModelResponse } from "../../src/agent/model-types.js";
import { ScriptedModel, textResponse } from "../../src/agent/model/replay-model.js";
import { runSession, type RunSessionOptions } from "../../src/runs/run-session.js";
import { RepoConfig } from "../../src/config/schema.js";
import { createBashTool, FULL_OUTPUT_BYTES } from "../../src/tools/bash.js";
import { scrubbedEnv } from "../../src/workspace/sandbox/scrubbed-env.js";
import { runTool } from "../../src/tools/define-tool.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { sandboxHost, type SandboxHost } from "../../src/workspace/sandbox/open-sandbox.js";
import type { SandboxKind } from "../../src/workspace/sandbox/sandbox.js";
import { prepareWorkspace } from "../../src/workspace/prepare-workspace.js";
import { createWorktree } from "../../src/workspace/worktree.js";
import { confiningKinds, sandboxOf } from "../helpers/sandboxes.js";
import { git, tempDir, tempRepo } from "../helpers/temp-repo.js";

// Each attack here was carried out end to end against the harness before the sandbox and the
// hardened git existed; each test fails on that code. A leak is detected by a marker that only the
// harness's own environment (or a file outside the work tree) holds.
const MARKER = `pw-harness-secret-${process.pid}`;
let leakDir: string;
const saved = { ...process.env };
beforeEach(() => {
  process.env["PW_TEST_HARNESS_SECRET"] = MARKER;
  leakDir = mkdtempSync(join("/var/tmp", "pw-leak-"));
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(leakDir, { recursive: true, force: true });
});
const leaked = (): string =>
  ["out", "hook", "fsmonitor"]
    .map((f) => join(leakDir, f))
    .filter(existsSync)
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");

let ids = 0;
function bash(command: string): ModelResponse {
  return {
    model: "claude-sonnet-4-6",
    content: [{ type: "tool_use", id: `b${++ids}`, name: "bash", input: { command } }],
    stopReason: "tool_use",
    usage: { inputTokens: 10, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
  };
}

function run(
  repo: string,
  model: ScriptedModel,
  over: Partial<RunSessionOptions> = {},
): ReturnType<typeof runSession> {
  return runSession({
    repo,
    instruction: "Tidy the readme",
    mode: "implement",
    model,
    modelName: "claude-sonnet-4-6",
    limits: { maxTurns: 10, maxCostUsd: 1, timeoutMs: 60_000 },
    config: RepoConfig.parse({ agent: { rules: [{ tool: "bash", pattern: "*", decision: "allow" }] } }),
    author: { name: "patchwright", email: "patchwright@example.com" },
    keep: false,
    env: { PATH: process.env["PATH"] ?? "", GITHUB_TOKEN: MARKER },
    ...over,
  });
}

/** Replaces the worktree's `.git` file with a repository whose config runs a program in whoever runs git. */
const SWAP_GIT = (leak: string) =>
  [
    "rm -f .git && git init -q . &&",
    `git config core.fsmonitor "sh -c 'env > ${leak}/fsmonitor; exit 1'" &&`,
    `mkdir -p .git/hooks && printf '#!/bin/sh\\nenv > ${leak}/hook\\n' > .git/hooks/post-commit &&`,
    "chmod +x .git/hooks/post-commit && echo changed >> README.md",
  ].join(" ");

describe.each(["none", ...confiningKinds] as SandboxKind[])("the harness's git (sandbox: %s)", (kind) => {
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env["PATH"] ?? "", PATCHWRIGHT_SANDBOX: kind });

  it("is not taken over by a .git the model made in the work tree", async () => {
    const repo = tempRepo();
    const model = new ScriptedModel([bash(SWAP_GIT(leakDir)), textResponse("Done.")]);
    const result = await run(repo, model, { env: { ...env(), GITHUB_TOKEN: MARKER } });
    expect(leaked()).toBe("");
    // The harness committed through its own git directory: the README change is on the run's branch.
    expect(result.commit).toBeDefined();
    expect(git(repo, ["show", `${result.commit!}:README.md`])).toContain("changed");
  });

  it("is not taken over by the repository's own test script (a harmless model, a hostile repository)", async () => {
    const repo = tempRepo({
      "README.md": "# demo\n",
      "package.json": JSON.stringify({ scripts: { test: "sh evil.sh" } }),
      "evil.sh": `${SWAP_GIT(leakDir)}\n`,
    });
    const edit: ModelResponse = {
      model: "claude-sonnet-4-6",
      content: [
        {
          type: "tool_use",
          id: `e${++ids}`,
          name: "str_replace_based_edit_tool",
          input: { command: "str_replace", path: "README.md", old_str: "# demo", new_str: "# Demo" },
        },
      ],
      stopReason: "tool_use",
      usage: { inputTokens: 10, outputTokens: 10, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    };
    const result = await run(repo, new ScriptedModel([edit, textResponse("Done.")]), { env: env() });
    expect(leaked()).toBe("");
    expect(result.agent.verification).toBe("passed");
  });

  it("runs no hook the model put in the repository's own git directory", async () => {
    // Reachable only where the sandbox lets commands write the git directory: with none at all.
    const repo = tempRepo();
    const hook = join(repo, ".git", "hooks", "post-commit");
    writeFileSync(hook, `#!/bin/sh\nenv > ${leakDir}/hook\n`, { mode: 0o755 });
    const model = new ScriptedModel([bash("echo changed >> README.md"), textResponse("Done.")]);
    const result = await run(repo, model, { env: env() });
    expect(result.commit).toBeDefined();
    expect(leaked()).toBe("");
  });
});

describe("without a sandbox that holds", () => {
  const nothing: SandboxHost = { ...sandboxHost(process.env), bwrap: undefined, privilege: undefined };

  it("refuses the model's commands, does not run the tests, and says so", async () => {
    const repo = tempRepo({
      "README.md": "# demo\n",
      "package.json": JSON.stringify({ scripts: { test: `env > ${leakDir}/out` } }),
    });
    const model = new ScriptedModel([
      bash(`cat /proc/$PPID/environ > ${leakDir}/out`),
      textResponse("Done."),
    ]);
    const result = await run(repo, model, { sandboxHost: nothing });
    expect(leaked()).toBe("");
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({
      content: [
        expect.objectContaining({ content: expect.stringMatching(/^Commands are disabled in this run/) }),
      ],
    });
    expect(result.sandbox).toMatch(/^none: no sandbox that holds is available here/);
    expect(result.warnings.join("\n")).toMatch(/No command ran in this run.*tests were not run/);
    expect(result.agent.verification).not.toBe("passed");
  });

  it("runs commands unconfined only when the operator says PATCHWRIGHT_SANDBOX=none", async () => {
    const repo = tempRepo();
    const model = new ScriptedModel([bash("echo ran > ran.txt"), textResponse("Done.")]);
    const result = await run(repo, model, {
      sandboxHost: nothing,
      env: { PATH: process.env["PATH"] ?? "", PATCHWRIGHT_SANDBOX: "none" },
    });
    expect(result.sandbox).toMatch(/^none \(PATCHWRIGHT_SANDBOX=none/);
    expect(result.files).toEqual(["ran.txt"]);
  });

  it("rejects a mode it does not know with one sentence", async () => {
    await expect(
      run(tempRepo(), new ScriptedModel([]), { env: { PATCHWRIGHT_SANDBOX: "docker" } }),
    ).rejects.toThrow(/^PATCHWRIGHT_SANDBOX must be auto, bubblewrap, user or none/);
  });
});

describe.each(confiningKinds)("a command in the sandbox (%s)", (kind) => {
  const secretDir = mkdtempSync(join(homedir(), ".pw-host-secret-"));
  writeFileSync(join(secretDir, "key.pem"), MARKER, { mode: 0o600 });
  afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

  async function context(readOnly = false, over: Partial<ToolContext> = {}): Promise<ToolContext> {
    const repo = tempRepo();
    const wt = await createWorktree(repo, "HEAD", `pw-${++ids}`);
    const home = tempDir("pw-home-");
    const scratch = tempDir("pw-scratch-");
    return {
      root: wt.path,
      env: scrubbedEnv(process.env, home),
      scratchDir: scratch,
      signal: new AbortController().signal,
      commandTimeoutMs: 10_000,
      sandbox: await sandboxOf(kind, {
        root: wt.path,
        readable: [wt.commonDir, scratch],
        writable: [home],
        network: false,
        readOnly,
      }),
      ...over,
    };
  }
  const sh = async (command: string, readOnly = false): Promise<string> =>
    (await runTool(createBashTool({ readOnlyRoot: readOnly }), { command }, await context(readOnly))).content;

  it("cannot read the harness's environment through /proc", async () => {
    const out = await sh(
      "cat /proc/$PPID/environ /proc/1/environ 2>&1; for p in /proc/[0-9]*; do cat $p/environ; done 2>/dev/null",
    );
    expect(out).not.toContain(MARKER);
  });

  it("reaches no network: not through curl, node's fetch or /dev/tcp", async () => {
    const out = await sh(
      [
        "x=curl; $x -sS -m 3 http://127.0.0.1:6379 2>&1 || echo curl-failed",
        "node -e \"fetch('http://127.0.0.1:6379').then(()=>console.log('fetched'),()=>console.log('fetch-failed'))\"",
        "(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && echo tcp-open || echo tcp-failed",
      ].join("; "),
    );
    expect(out).toContain("fetch-failed");
    expect(out).toContain("tcp-failed");
    expect(out).not.toContain("fetched");
    expect(out).not.toContain("tcp-open");
  });

  it("leaves no process behind, not even one that left the session", async () => {
    const tag = `pw-orphan-${++ids}-${process.pid}`;
    await sh(`setsid bash -c 'exec -a ${tag} sleep 300' > /dev/null 2>&1 & sleep 0.2; echo started`);
    const left = execFileSync("ps", ["-eo", "args"]).toString();
    expect(left).not.toContain(tag);
  });

  it("reads no secret of the host: not /etc/shadow, not a key file under the harness's HOME", async () => {
    const out = await sh(`cat /etc/shadow ${join(secretDir, "key.pem")} 2>&1; ls ${homedir()} 2>&1`);
    expect(out).not.toMatch(/^root:/m);
    expect(out).not.toContain(MARKER);
  });

  it("can use git in the work tree (the clone is under /tmp), but not write its git metadata", async () => {
    const out = await sh(
      "git log --oneline -1 && (git commit --allow-empty -qm x 2>&1 || echo commit-refused) && (git config core.fsmonitor evil 2>&1 || echo config-refused)",
    );
    expect(out).toMatch(/^[0-9a-f]{7,} /m);
    expect(out).toContain("commit-refused");
    expect(out).toContain("config-refused");
  });

  it("runs nothing through git's environment in a read-only run, and writes nothing", async () => {
    const out = await sh(
      `GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0='sh -c "touch pwned; env > ${leakDir}/out"' git status 2>&1; touch pwned2 2>&1; sort -o pwned3 README.md 2>&1; ls`,
      true,
    );
    expect(out).not.toMatch(/^pwned\d?$/m);
    expect(leaked()).not.toContain(MARKER);
  });

  it("keeps at most a few megabytes of a command's output on disk", async () => {
    const ctx = await context();
    const result = await runTool(createBashTool(), { command: "head -c 300000000 /dev/zero" }, ctx);
    const file = /in (\S+\.log):/.exec(result.content)?.[1];
    expect(file).toBeDefined();
    expect(statSync(file!).size).toBeLessThanOrEqual(FULL_OUTPUT_BYTES);
  });
});

describe("credentials actions/checkout persisted", () => {
  it("are out of the sandbox's reach, however checkout v4 to v6 stored them", async () => {
    const remote = tempRepo();
    const checkout = tempDir();
    git(checkout, ["clone", "-q", remote, "."]);
    const runnerTemp = tempDir("pw-runner-temp-");
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${MARKER}`).toString("base64")}`;
    const credentials = join(runnerTemp, "git-credentials-0c1b.config");
    writeFileSync(credentials, `[http "https://github.com/"]\n\textraheader = ${header}\n`, { mode: 0o644 });
    const gitDir = join(checkout, ".git");
    git(checkout, ["config", "--local", `includeIf.gitdir:${gitDir}.path`, credentials]);
    git(checkout, ["config", "--local", `includeIf.gitdir:${gitDir}/worktrees/*.path`, credentials]);
    git(checkout, ["config", "--local", "http.https://github.com/.extraheader", header]);

    const ws = await prepareWorkspace({
      remoteUrl: remote,
      token: undefined,
      refs: ["refs/heads/main"],
      existing: checkout,
    });
    expect(ws.removedCredentials.join("\n")).toContain(credentials);
    const wt = await createWorktree(checkout, "HEAD", "pw-cred");
    const seen = git(wt.path, ["config", "--list", "--show-origin", "--includes"]);
    expect(seen).not.toContain("extraheader");
    expect(statSync(credentials).mode & 0o077).toBe(0);
    for (const kind of confiningKinds) {
      const home = tempDir("pw-home-");
      const sandbox = await sandboxOf(kind, {
        root: wt.path,
        readable: [wt.commonDir],
        writable: [home],
        network: false,
        readOnly: true,
      });
      const ctx: ToolContext = {
        root: wt.path,
        env: scrubbedEnv(process.env, home),
        scratchDir: tempDir(),
        signal: new AbortController().signal,
        commandTimeoutMs: 10_000,
        sandbox,
      };
      const out = await runTool(
        createBashTool({ readOnlyRoot: true }),
        { command: `git config --list --includes; cat ${credentials}; cat .git; cat ${gitDir}/config` },
        ctx,
      );
      expect(out.content).not.toContain(MARKER);
      expect(out.content).not.toContain(header.slice(-20));
    }
    await ws.cleanup();
  });
});
