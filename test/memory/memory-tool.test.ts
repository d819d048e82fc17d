import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { BranchMemoryStore, MEMORY_BRANCH } from "../../src/memory/memory-store.js";
import { createMemoryTool, memorySubject, type MemoryInput } from "../../src/memory/memory-tool.js";
import { runTool } from "../../src/tools/define-tool.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { git, tempRepo } from "../helpers/temp-repo.js";
import { NO_COMMANDS } from "../helpers/tool-context.js";

const AUTHOR = { name: "patchwright", email: "patchwright@example.com" };

function setup() {
  const repo = tempRepo();
  const store = new BranchMemoryStore({ repoDir: repo, guard: GuardConfig.parse({}) });
  const tool = createMemoryTool(store);
  const ctx: ToolContext = {
    root: repo,
    env: {},
    scratchDir: repo,
    signal: new AbortController().signal,
    commandTimeoutMs: 10_000,
    sandbox: NO_COMMANDS,
  };
  const call = (input: Record<string, unknown>) => runTool(tool, input, ctx);
  return { repo, store, tool, call };
}

describe("memory tool", () => {
  it("is the Anthropic memory tool, a write tool", () => {
    const { tool } = setup();
    expect(tool.name).toBe("memory");
    expect(tool.kind).toBe("write");
    expect(tool.spec).toEqual({ kind: "anthropic", type: "memory_20250818", name: "memory" });
  });

  it("runs every command, and the store commits the result", async () => {
    const { repo, store, call } = setup();

    expect(await call({ command: "view", path: "/memories" })).toEqual({
      isError: false,
      content: "/memories is empty: no notes yet.",
    });
    expect(
      await call({ command: "create", path: "/memories/build.md", file_text: "# Build\nnpm ci\n" }),
    ).toEqual({ isError: false, content: "Created /memories/build.md (2 lines)." });
    expect((await call({ command: "view", path: "/memories/build.md" })).content).toBe(
      "     1\t# Build\n     2\tnpm ci",
    );
    expect(
      await call({
        command: "str_replace",
        path: "/memories/build.md",
        old_str: "npm ci",
        new_str: "npm ci && npm test",
      }),
    ).toMatchObject({ isError: false });
    expect(
      await call({ command: "insert", path: "/memories/build.md", insert_line: 1, insert_text: "\nSteps:" }),
    ).toMatchObject({ isError: false });
    expect((await call({ command: "view", path: "/memories/build.md", view_range: [2, -1] })).content).toBe(
      "     2\t\n     3\tSteps:\n     4\tnpm ci && npm test",
    );
    expect(await call({ command: "create", path: "/memories/old/x.md", file_text: "x\n" })).toMatchObject({
      isError: false,
    });
    expect((await call({ command: "view", path: "/memories" })).content).toBe(
      [
        "Files in /memories (size in bytes, then path):",
        "35\t/memories/build.md",
        "2\t/memories/old/x.md",
      ].join("\n"),
    );
    expect(
      await call({
        command: "rename",
        old_path: "/memories/build.md",
        new_path: "/memories/tooling/build.md",
      }),
    ).toEqual({ isError: false, content: "Renamed /memories/build.md to /memories/tooling/build.md." });
    expect(await call({ command: "delete", path: "/memories/old" })).toEqual({
      isError: false,
      content: "Deleted /memories/old and the 1 files in it.",
    });
    expect(await call({ command: "view", path: "/memories/old/x.md" })).toMatchObject({ isError: true });

    const result = await store.commit("Remember the build", AUTHOR);
    expect(result).toMatchObject({ status: "committed", created: true });
    expect(git(repo, ["ls-tree", "-r", "--name-only", MEMORY_BRANCH]).trim()).toBe("tooling/build.md");
    expect(git(repo, ["show", `${MEMORY_BRANCH}:tooling/build.md`])).toBe(
      "# Build\n\nSteps:\nnpm ci && npm test\n",
    );
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  });

  it("answers mistakes with messages for the model", async () => {
    const { call } = setup();
    await call({ command: "create", path: "/memories/a.md", file_text: "same\nsame\n" });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ command: "view", path: "/memories/none.md" }, /does not exist/],
      [{ command: "view", path: "/memories/a.md", view_range: [3, 4] }, /Invalid view_range/],
      [{ command: "str_replace", path: "/memories/a.md", old_str: "same", new_str: "x" }, /matches 2 times/],
      [{ command: "str_replace", path: "/memories/a.md", old_str: "other", new_str: "x" }, /No match/],
      [{ command: "str_replace", path: "/memories/none.md", old_str: "a", new_str: "b" }, /does not exist/],
      [
        { command: "insert", path: "/memories/a.md", insert_line: 9, insert_text: "x" },
        /Invalid insert_line/,
      ],
      [{ command: "create", path: "/memories/a.txt", file_text: "x" }, /Markdown/],
      [{ command: "delete", path: "/memories/none.md" }, /does not exist/],
      [{ command: "rename", old_path: "/memories/a.md", new_path: "/tmp/a.md" }, /Refused path/],
      [{ command: "create", path: "/memories/../escape.md", file_text: "x" }, /Refused path/],
      [{ command: "create", path: "/etc/escape.md", file_text: "x" }, /Refused path/],
      [{ command: "view", path: "memories/a.md" }, /Refused path/],
      [{ command: "view", path: "/memories/%2E%2E/a.md" }, /Refused path/],
      [{ command: "create", path: "/memories/a.md" }, /Invalid input for memory/],
      [{ command: "chmod", path: "/memories/a.md" }, /Invalid input for memory/],
    ];
    for (const [input, message] of cases) {
      const result = await call(input);
      expect(result.isError, JSON.stringify(input)).toBe(true);
      expect(result.content, JSON.stringify(input)).toMatch(message);
    }
  });

  it("offers only view in a read-only run", async () => {
    const { store } = setup();
    const tool = createMemoryTool(store, { readOnly: true });
    const ctx = { root: "/", env: {}, scratchDir: "/", signal: new AbortController().signal } as ToolContext;
    const result = await runTool(tool, { command: "create", path: "/memories/a.md", file_text: "x" }, ctx);
    expect(result).toMatchObject({ isError: true });
    expect(result.content).toMatch(/read-only/);
    expect(await store.pendingPaths()).toEqual([]);
  });

  it("names the command and path in the subject", () => {
    const subject = (input: MemoryInput) => memorySubject(input);
    expect(subject({ command: "view", path: "/memories/" })).toBe("memory view /memories");
    expect(subject({ command: "create", path: "/memories/a.md", file_text: "" })).toBe(
      "memory create /memories/a.md",
    );
    expect(subject({ command: "delete", path: "/memories/../x" })).toBe("memory delete /memories/../x");
    expect(subject({ command: "rename", old_path: "/memories/a.md", new_path: "/memories/b.md" })).toBe(
      "memory rename /memories/a.md /memories/b.md",
    );
  });
});

describe("the memory spec on the Messages API", () => {
  it("maps to Anthropic's memory tool, or a custom equivalent", async () => {
    const { toApiTools } = await import("../../src/agent/model/api-tools.js");
    const spec = { kind: "anthropic", type: "memory_20250818", name: "memory" } as const;
    expect(toApiTools([spec])).toEqual([{ type: "memory_20250818", name: "memory" }]);
    const [custom] = toApiTools([spec], true);
    expect(custom).toMatchObject({ name: "memory", input_schema: { type: "object", required: ["command"] } });
  });
});
