import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTool } from "../../src/tools/define-tool.js";
import { createGrepTool, globTool, grepTool } from "../../src/tools/search.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { findOnPath } from "../../src/workspace/sandbox/find-on-path.js";
import { NO_COMMANDS } from "../helpers/tool-context.js";

function setup(): ToolContext {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "pw-search-")));
  execFileSync("git", ["init", "-q"], { cwd: root });
  mkdirSync(join(root, "src/lib"), { recursive: true });
  mkdirSync(join(root, "dist"));
  mkdirSync(join(root, ".github"));
  writeFileSync(join(root, ".gitignore"), "dist/\n");
  writeFileSync(join(root, "src/a.ts"), "const Retry = 1;\nfunction retry() {}\n");
  writeFileSync(join(root, "src/lib/b.ts"), `// retry later\n${"x".repeat(1000)} retry\n`);
  writeFileSync(join(root, "src/lib/c.md"), "retry docs\n");
  writeFileSync(join(root, "dist/out.js"), "retry\n");
  writeFileSync(join(root, "src/blob.bin"), Buffer.from("retry\0retry"));
  writeFileSync(join(root, ".github/ci.yml"), "retry: 3\n");
  const signal = new AbortController().signal;
  return {
    root,
    env: { PATH: process.env.PATH ?? "" },
    scratchDir: join(root, ".s"),
    signal,
    commandTimeoutMs: 5_000,
    sandbox: NO_COMMANDS,
  };
}

const variants = [
  ["javascript", createGrepTool({ ripgrep: false })] as const,
  ...(findOnPath("rg") ? [["ripgrep", grepTool] as const] : []),
];

describe.each(variants)("grep (%s)", (_name, grep) => {
  it("finds matches as path:line:text, honouring .gitignore and skipping binaries", async () => {
    const ctx = setup();
    const result = await runTool(grep, { pattern: "retry" }, ctx);
    const lines = result.content.split("\n").sort();
    expect(lines).toContain(".github/ci.yml:1:retry: 3");
    expect(lines).toContain("src/a.ts:2:function retry() {}");
    expect(lines).toContain("src/lib/b.ts:1:// retry later");
    expect(result.content).not.toContain("dist/");
    expect(result.content).not.toContain("blob.bin");
    const long = lines.find((l) => l.startsWith("src/lib/b.ts:2:")) ?? "";
    expect(long.length).toBeLessThan(330);
  });

  it("supports ignore_case, glob, path and max_results", async () => {
    const ctx = setup();
    expect((await runTool(grep, { pattern: "^const retry", ignore_case: true }, ctx)).content).toBe(
      "src/a.ts:1:const Retry = 1;",
    );
    const md = await runTool(grep, { pattern: "retry", glob: "*.md" }, ctx);
    expect(md.content).toBe("src/lib/c.md:1:retry docs");
    const inLib = await runTool(grep, { pattern: "retry", path: "src/lib", max_results: 1 }, ctx);
    expect(inLib.content).toMatch(/^src\/lib\/b\.ts:1:.*\n\[stopped at 1 results/);
    expect((await runTool(grep, { pattern: "nothing-here" }, ctx)).content).toBe("No matches.");
    expect((await runTool(grep, { pattern: "x", path: "../.." }, ctx)).isError).toBe(true);
  });
});

describe("grep without ripgrep", () => {
  it("reports a bad regular expression", async () => {
    const result = await runTool(createGrepTool({ ripgrep: false }), { pattern: "(" }, setup());
    expect(result).toEqual({ isError: true, content: expect.stringContaining("Invalid regular expression") });
  });

  it("publishes a JSON schema generated from its zod input", () => {
    expect(grepTool.spec).toMatchObject({
      kind: "custom",
      inputSchema: { type: "object", required: ["pattern"] },
    });
  });
});

describe("glob", () => {
  it("lists matching files relative to the repository", async () => {
    const ctx = setup();
    expect((await runTool(globTool, { pattern: "**/*.ts" }, ctx)).content).toBe("src/a.ts\nsrc/lib/b.ts");
    expect((await runTool(globTool, { pattern: "*.md", path: "src/lib" }, ctx)).content).toBe("src/lib/c.md");
    expect((await runTool(globTool, { pattern: "**/*.js" }, ctx)).content).toBe("No files match.");
  });
});
