import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTool } from "../../src/tools/define-tool.js";
import { createTextEditorTool, editorSubject, textEditorTool } from "../../src/tools/text-editor.js";
import type { ToolContext } from "../../src/tools/tool-types.js";
import { NO_COMMANDS } from "../helpers/tool-context.js";

function setup(): { ctx: ToolContext; root: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "pw-editor-")));
  const root = join(base, "repo");
  const outside = join(base, "outside");
  mkdirSync(join(root, "src/deep/deeper"), { recursive: true });
  mkdirSync(join(root, ".git"));
  mkdirSync(join(root, "node_modules/pkg"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "top secret\n");
  writeFileSync(join(root, "src/a.ts"), "one\ntwo\nthree\ntwo\n");
  writeFileSync(join(root, "src/deep/deeper/x.ts"), "x\n");
  writeFileSync(join(root, ".hidden"), "h\n");
  const signal = new AbortController().signal;
  const ctx = {
    root,
    env: {},
    scratchDir: join(base, "scratch"),
    signal,
    commandTimeoutMs: 5_000,
    sandbox: NO_COMMANDS,
  };
  return { ctx, root, outside };
}

const run = (ctx: ToolContext, input: Record<string, unknown>) => runTool(textEditorTool, input, ctx);

describe("view", () => {
  it("numbers lines and honours view_range", async () => {
    const { ctx } = setup();
    expect((await run(ctx, { command: "view", path: "src/a.ts" })).content).toBe(
      "     1\tone\n     2\ttwo\n     3\tthree\n     4\ttwo",
    );
    expect((await run(ctx, { command: "view", path: "src/a.ts", view_range: [2, 3] })).content).toBe(
      "     2\ttwo\n     3\tthree",
    );
    expect((await run(ctx, { command: "view", path: "src/a.ts", view_range: [3, -1] })).content).toContain(
      "4\ttwo",
    );
  });

  it("says how many lines there are when the range is past the end", async () => {
    const { ctx } = setup();
    const result = await run(ctx, { command: "view", path: "src/a.ts", view_range: [3, 10] });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("has 4 lines");
  });

  it("lists a directory two levels deep without .git, node_modules or hidden entries", async () => {
    const { ctx } = setup();
    const result = await run(ctx, { command: "view", path: "." });
    expect(result.content).toContain("src/a.ts");
    expect(result.content).toContain("src/deep/");
    expect(result.content).not.toContain("deeper");
    const entries = result.content.split("\n").slice(1);
    expect(entries.filter((line) => /\.git|node_modules|\.hidden/.test(line))).toEqual([]);
  });

  it("refuses binary files", async () => {
    const { ctx, root } = setup();
    writeFileSync(join(root, "img.bin"), Buffer.from([0x89, 0x50, 0x00, 0x01]));
    const result = await run(ctx, { command: "view", path: "img.bin" });
    expect(result).toEqual({ isError: true, content: expect.stringContaining("binary") });
  });

  it("refuses traversal, absolute paths and symlinks leading outside", async () => {
    const { ctx, root, outside } = setup();
    symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
    for (const path of ["../outside/secret.txt", join(outside, "secret.txt"), "link.txt"]) {
      const result = await run(ctx, { command: "view", path });
      expect(result.isError).toBe(true);
      expect(result.content).toContain("outside the repository");
      expect(result.content).not.toContain("top secret");
    }
  });
});

describe("create, str_replace, insert", () => {
  it("creates parent folders and reports an overwrite", async () => {
    const { ctx, root } = setup();
    expect((await run(ctx, { command: "create", path: "new/dir/f.txt", file_text: "hi\n" })).content).toMatch(
      /^Created new\/dir\/f\.txt/,
    );
    expect((await run(ctx, { command: "create", path: "new/dir/f.txt", file_text: "yo\n" })).content).toMatch(
      /Overwrote/,
    );
    expect(readFileSync(join(root, "new/dir/f.txt"), "utf8")).toBe("yo\n");
  });

  it("requires the fields of each command, naming them", async () => {
    const { ctx } = setup();
    const result = await run(ctx, { command: "create", path: "x" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("`file_text`");
  });

  it("str_replace: no match, several matches, and one match with a snippet", async () => {
    const { ctx, root } = setup();
    const none = await run(ctx, { command: "str_replace", path: "src/a.ts", old_str: "four", new_str: "4" });
    expect(none.isError).toBe(true);
    expect(none.content).toMatch(/No match.*view the file/s);
    const two = await run(ctx, { command: "str_replace", path: "src/a.ts", old_str: "two", new_str: "2" });
    expect(two.isError).toBe(true);
    expect(two.content).toContain("matches 2 times");
    expect(two.content).toContain("lines 2, 4");
    const one = await run(ctx, {
      command: "str_replace",
      path: "src/a.ts",
      old_str: "two\nthree",
      new_str: "2\n3",
    });
    expect(one.isError).toBe(false);
    expect(one.content).toContain("     2\t2");
    expect(readFileSync(join(root, "src/a.ts"), "utf8")).toBe("one\n2\n3\ntwo\n");
  });

  it("insert after a line, and at the top", async () => {
    const { ctx, root } = setup();
    await run(ctx, { command: "insert", path: "src/a.ts", insert_line: 1, new_str: "1.5" });
    await run(ctx, { command: "insert", path: "src/a.ts", insert_line: 0, new_str: "zero\n" });
    expect(readFileSync(join(root, "src/a.ts"), "utf8")).toBe("zero\none\n1.5\ntwo\nthree\ntwo\n");
    const past = await run(ctx, { command: "insert", path: "src/a.ts", insert_line: 99, new_str: "x" });
    expect(past.content).toContain("has 6 lines");
  });

  it("refuses writes under .git and through links leading outside", async () => {
    const { ctx, root, outside } = setup();
    const git = await run(ctx, { command: "create", path: ".git/hooks/pre-commit", file_text: "evil" });
    expect(git.isError).toBe(true);
    expect(git.content).toContain(".git");
    symlinkSync(outside, join(root, "out"));
    symlinkSync(join(outside, "planted.txt"), join(root, "dangling"));
    for (const path of ["out/planted.txt", "dangling"]) {
      expect((await run(ctx, { command: "create", path, file_text: "x" })).isError).toBe(true);
    }
    const edit = await run(ctx, {
      command: "str_replace",
      path: "out/secret.txt",
      old_str: "top",
      new_str: "x",
    });
    expect(edit.isError).toBe(true);
    expect(readFileSync(join(outside, "secret.txt"), "utf8")).toBe("top secret\n");
  });

  it("a read-only editor only views", async () => {
    const { ctx } = setup();
    const result = await runTool(
      createTextEditorTool({ readOnly: true }),
      { command: "create", path: "x", file_text: "" },
      ctx,
    );
    expect(result.content).toContain("read-only");
  });
});

describe("subject", () => {
  it("is view/edit with the path relative to the root, links and .. resolved", () => {
    const { root } = setup();
    mkdirSync(join(root, ".github/workflows"), { recursive: true });
    symlinkSync(join(root, ".github/workflows"), join(root, "wf"));
    expect(editorSubject({ command: "view", path: "src/a.ts" })).toBe("view src/a.ts");
    expect(editorSubject({ command: "create", path: "./src/../x" })).toBe("edit x");
    expect(editorSubject({ command: "create", path: join(root, "wf/ci.yml") }, { root })).toBe(
      "edit .github/workflows/ci.yml",
    );
  });
});
