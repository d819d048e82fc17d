import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";

// A shell block in the docs marked `<!-- runnable -->` (an HTML comment, invisible on GitHub, as the node
// just before the fence) must run as written on a fresh clone, offline and without credentials: each one
// runs in its own copy of the repository's tracked files, with the built CLI for `npx patchwright`.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const MARKER = /^<!--\s*runnable\s*-->$/;
const SHELLS = new Set(["sh", "bash", "shell"]);

interface Block {
  where: string;
  script: string;
}

function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join("docs", f));
  return ["README.md", ...docs.sort()];
}

/** Every marked block, and every marker that is not followed by a shell fence (a mistake to report). */
function findBlocks(file: string): { blocks: Block[]; stray: string[] } {
  const tree: Root = fromMarkdown(readFileSync(join(ROOT, file), "utf8"));
  const blocks: Block[] = [];
  const stray: string[] = [];
  const visit = (node: Nodes): void => {
    if (!("children" in node)) return;
    node.children.forEach((child, i) => {
      if (child.type === "html" && MARKER.test(child.value.trim())) {
        const next = node.children[i + 1];
        const where = `${file}:${child.position?.start.line ?? "?"}`;
        if (next?.type === "code" && SHELLS.has(next.lang ?? "")) blocks.push({ where, script: next.value });
        else stray.push(where);
      }
      visit(child);
    });
  };
  visit(tree);
  return { blocks, stray };
}

/** What `git clone` would give: the tracked files as they are in the working tree. */
function freshCopy(): string {
  const dir = tempDir("pw-docs-");
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT }).toString().split("\0");
  for (const path of tracked.filter(Boolean)) {
    const from = join(ROOT, path);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(from, join(dir, path));
  }
  return dir;
}

/** `npx patchwright`, `npx --no-install patchwright`…: the CLI this checkout built. */
function withLocalCli(script: string): string {
  return script.replace(/\bnpx(?:\s+--?[\w-]+)*\s+patchwright\b/g, `node ${JSON.stringify(CLI)}`);
}

const found = docFiles().map(findBlocks);
const blocks = found.flatMap((f) => f.blocks);

describe("runnable shell blocks in the docs", () => {
  it("are marked only on shell fences, and there are enough of them to mean something", () => {
    expect(found.flatMap((f) => f.stray)).toEqual([]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it("replaces every form of npx patchwright with the local build", () => {
    const script = withLocalCli("npx patchwright scan .\nnpx --no-install patchwright scan --staged");
    expect(script).not.toMatch(/npx/);
    expect(script.split(CLI).length - 1).toBe(2);
  });

  it.each(blocks.map((b) => [b.where, b] as const))("%s exits 0", (_where, block) => {
    const cwd = freshCopy();
    const home = tempDir("pw-home-");
    // No credentials and no inherited settings: only what finds the tools.
    const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", NO_COLOR: "1" };
    const result = spawnSync("bash", ["-e", "-o", "pipefail", "-c", withLocalCli(block.script)], {
      cwd,
      env,
      encoding: "utf8",
      timeout: 20_000, // a safety net; a block takes a second or two
    });
    const why = `${block.where} ended with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`;
    expect(result.status, why).toBe(0);
  });
});
