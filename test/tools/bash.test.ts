import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBashTool, FULL_OUTPUT_BYTES } from "../../src/tools/bash.js";
import { scrubbedEnv } from "../../src/workspace/sandbox/scrubbed-env.js";
import { runTool } from "../../src/tools/define-tool.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import type { SandboxKind } from "../../src/workspace/sandbox/sandbox.js";
import { confiningKinds, runFolders, sandboxOf } from "../helpers/sandboxes.js";

async function context(
  kind: SandboxKind,
  overrides: Partial<ToolContext> = {},
  readOnly = false,
): Promise<ToolContext> {
  const { root, home, scratch } = runFolders();
  const env = scrubbedEnv(process.env, home);
  return {
    root,
    env,
    scratchDir: scratch,
    signal: new AbortController().signal,
    commandTimeoutMs: 10_000,
    sandbox: await sandboxOf(kind, { root, readable: [scratch], writable: [home], network: false, readOnly }),
    ...overrides,
  };
}

const bash = createBashTool();

describe.each(["none", ...confiningKinds] as SandboxKind[])("bash (sandbox: %s)", (kind) => {
  it("runs in the root and reports the exit code", async () => {
    const ctx = await context(kind);
    const result = await runTool(bash, { command: "pwd; echo err >&2; exit 3" }, ctx);
    expect(result.content).toContain(ctx.root);
    expect(result.content).toContain("err");
    expect(result.content).toContain("[exit code 3]");
  });

  it("kills the whole process group at the timeout", async () => {
    const ctx = await context(kind, { commandTimeoutMs: 300 });
    const result = await runTool(bash, { command: "sleep 30 & sleep 30; wait" }, ctx);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("killed after");
  });

  it("keeps memory bounded on huge output, and keeps only the first megabytes on disk", async () => {
    const ctx = await context(kind);
    const result = await runTool(bash, { command: "head -c 50000000 /dev/zero | tr '\\0' a" }, ctx);
    expect(result.content.length).toBeLessThan(16_500);
    const file = /full output \(50000000 bytes\), its first \d+ bytes in (\S+):/.exec(result.content)?.[1];
    expect(file).toBeDefined();
    expect(statSync(file as string).size).toBe(FULL_OUTPUT_BYTES);
  });

  it("lets commands write the work tree", async () => {
    const ctx = await context(kind);
    await runTool(bash, { command: "echo made > ok" }, ctx);
    expect(readFileSync(join(ctx.root, "ok"), "utf8")).toBe("made\n");
  });
});

describe.each(confiningKinds)("a confining sandbox (%s)", (kind) => {
  it("keeps the rest of the system read-only, and has no network", async () => {
    const ctx = await context(kind);
    const result = await runTool(
      bash,
      {
        command:
          "touch /usr/pw-test /etc/pw-test 2>&1; (exec 3<>/dev/tcp/127.0.0.1/6379) 2>&1 || echo no-net",
      },
      ctx,
    );
    expect(result.content).toMatch(/Read-only file system|Permission denied/);
    expect(result.content).toContain("no-net");
  });

  it("keeps the work tree read-only for read-only runs", async () => {
    const ctx = await context(kind, {}, true);
    const result = await runTool(createBashTool({ readOnlyRoot: true }), { command: "touch nope" }, ctx);
    expect(result.content).toMatch(/Read-only file system|Permission denied/);
  });
});

describe("bash without a sandbox", () => {
  it("refuses every command, saying why and what to do", async () => {
    const { root, home, scratch } = runFolders();
    const ctx: ToolContext = {
      root,
      env: scrubbedEnv(process.env, home),
      scratchDir: scratch,
      signal: new AbortController().signal,
      commandTimeoutMs: 10_000,
      sandbox: { kind: "unavailable", reason: "bubblewrap (bwrap) is not installed." },
    };
    const result = await runTool(bash, { command: "touch made" }, ctx);
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(
      /^Commands are disabled in this run: bubblewrap \(bwrap\) is not installed\./,
    );
    expect(() => statSync(join(root, "made"))).toThrow();
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
    const env = scrubbedEnv(process.env, runFolders().home, [
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
      bash,
      { command: "echo $GITHUB_TOKEN $ANTHROPIC_API_KEY; env" },
      {
        ...(await context("none")),
        env,
      },
    );
    expect(result.content).not.toContain("ghs_testvalue");
    expect(result.content).not.toContain("sk-ant-testvalue");
    expect(result.content).toContain("CI=true");
  });

  it("restart answers, and a missing command is an error", async () => {
    const ctx = await context("none");
    expect((await runTool(bash, { restart: true }, ctx)).content).toMatch(/^Restarted/);
    expect((await runTool(bash, {}, ctx)).isError).toBe(true);
  });
});
