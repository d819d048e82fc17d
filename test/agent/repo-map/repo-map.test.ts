import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRepoMap } from "../../../src/agent/repo-map/index.js";
import { pageRank } from "../../../src/agent/repo-map/rank.js";
import { treeLines } from "../../../src/agent/repo-map/render.js";

const FILES: Record<string, string> = {
  ".gitignore": "ignored/\n",
  "ignored/skip.ts": "export function shouldNotAppear() {}\n",
  "src/core/util.ts": [
    "export function formatName(first: string, last: string): string {",
    "  return `${first} ${last}`;",
    "}",
    "export class Registry {",
    "  register(name: string): void {}",
    "}",
    "export const DEFAULT_LIMIT = 10;",
    "",
  ].join("\n"),
  "src/app.ts": [
    'import { formatName, Registry } from "./core/util.js";',
    "export function main(): void {",
    "  const r = new Registry();",
    '  r.register(formatName("a", "b"));',
    "}",
    "",
  ].join("\n"),
  "src/cli.tsx": [
    'import { formatName } from "./core/util.js";',
    "export const Banner = () => <b>{formatName('x', 'y')}</b>;",
    "",
  ].join("\n"),
  "src/lonely.ts": "export function lonelyHelper(): number {\n  return 1;\n}\n",
  "src/broken.ts": "export function fine(): void {}\n\nexport function broken( {\n  class {{{\n",
  "py/service.py": [
    "class Registry:",
    "    def register(self, name):",
    "        return format_name(name)",
    "",
    "def format_name(name):",
    "    return name",
    "",
  ].join("\n"),
  "py/client.py": "from service import format_name\n\ndef run():\n    return format_name('x')\n",
  "go/main.go": [
    "package main",
    "",
    "type Server struct{}",
    "",
    "func (s *Server) Serve() error { return nil }",
    "",
    "func NewServer() *Server { return &Server{} }",
    "",
  ].join("\n"),
  "go/cmd.go": "package main\n\nfunc run() { NewServer().Serve() }\n",
  "docs/readme.md": "# Registry\n\nformatName is documented here.\n",
  "scripts/build.rb": "def formatName; end\n",
  "assets/logo.png": "\u0089PNG\r\n\u001a\n\u0000\u0000binary",
};

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "repo-map-"));
  await mkdir(join(root, ".git"));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The outline block of `path` in `text` (its `path:` line and the indented lines after it). */
function block(text: string, path: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf(`${path}:`);
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("  "));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

const position = (text: string, path: string): number => text.split("\n").indexOf(`${path}:`);

describe("buildRepoMap", () => {
  it("outlines TypeScript, TSX, Python and Go files with their symbols and lines", async () => {
    const map = await buildRepoMap(root);
    expect(block(map.text, "src/core/util.ts")).toBe(
      [
        "src/core/util.ts:",
        "  1: function formatName",
        "  4: class Registry",
        "  5: method register",
        "  7: const DEFAULT_LIMIT",
      ].join("\n"),
    );
    expect(block(map.text, "src/cli.tsx")).toContain("2: function Banner");
    expect(block(map.text, "py/service.py")).toBe(
      ["py/service.py:", "  1: class Registry", "  2: method register", "  5: function format_name"].join(
        "\n",
      ),
    );
    expect(block(map.text, "go/main.go")).toBe(
      ["go/main.go:", "  3: struct Server", "  5: method Serve", "  7: function NewServer"].join("\n"),
    );
    expect(map.text).not.toContain("ignored");
    expect(map.text).not.toContain("logo.png");
    expect(map.files).toBe(12);
    expect(map.tokens).toBe(Math.ceil(map.text.length / 3.5));
  });

  it("ranks a file referenced by many above one referenced by none", async () => {
    const { text } = await buildRepoMap(root);
    expect(position(text, "src/core/util.ts")).toBeGreaterThanOrEqual(0);
    expect(position(text, "src/core/util.ts")).toBeLessThan(position(text, "src/lonely.ts"));
    expect(position(text, "py/service.py")).toBeLessThan(position(text, "py/client.py"));
    expect(position(text, "go/main.go")).toBeLessThan(position(text, "go/cmd.go"));
  });

  it("boosts focus files and files matching the request", async () => {
    const plain = await buildRepoMap(root);
    const first = (text: string): string | undefined => text.split("\n")[0];
    expect(first(plain.text)).not.toBe("src/lonely.ts:");
    expect(first((await buildRepoMap(root, { focus: ["src/lonely.ts"] })).text)).toBe("src/lonely.ts:");
    expect(first((await buildRepoMap(root, { focus: [join(root, "src/lonely.ts")] })).text)).toBe(
      "src/lonely.ts:",
    );
    expect(first((await buildRepoMap(root, { query: "why does lonelyHelper return 1?" })).text)).toBe(
      "src/lonely.ts:",
    );
  });

  it("keeps within the budget and counts the files it leaves out", async () => {
    for (const budgetTokens of [30, 60, 90]) {
      const map = await buildRepoMap(root, { budgetTokens });
      expect(map.tokens).toBeLessThanOrEqual(budgetTokens);
      expect(map.text).toMatch(/^\.\.\. \d+ more files$/m);
      expect(map.outlined).toBeLessThan(map.files);
    }
    const roomy = await buildRepoMap(root, { budgetTokens: 4000 });
    expect(roomy.text).not.toContain("more files");
  });

  it("gives byte-identical output for the same tree", async () => {
    const a = await buildRepoMap(root, { budgetTokens: 200, query: "register a name" });
    const b = await buildRepoMap(root, { budgetTokens: 200, query: "register a name" });
    expect(b.text).toBe(a.text);
    expect((await buildRepoMap(root)).text).toBe((await buildRepoMap(root)).text);
  });

  it("survives a syntax error in a file", async () => {
    const { text } = await buildRepoMap(root);
    expect(block(text, "src/broken.ts")).toContain("1: function fine");
    expect(block(text, "src/core/util.ts")).toContain("function formatName");
  });

  it("lists files in other languages in the tree only", async () => {
    const { text } = await buildRepoMap(root);
    expect(text).not.toContain("scripts/build.rb:");
    expect(text).toMatch(/^scripts\/: build\.rb$/m);
    expect(text).toMatch(/^docs\/: readme\.md$/m);
    expect(text).toMatch(/^\.\/: \.gitignore$/m);
  });

  it("parses at most maxFiles source files", async () => {
    const map = await buildRepoMap(root, { maxFiles: 1, focus: ["go/cmd.go"] });
    expect(map.outlined).toBe(1);
    expect(map.text.split("\n")[0]).toBe("go/cmd.go:");
  });
});

describe("treeLines", () => {
  it("nests folders under their parents with the files on each folder's line", () => {
    expect(treeLines(["b.txt", "a/x.ts", "a/b/y.ts", "a-c/z.ts", "a/w.ts"]).map((l) => l.line)).toEqual([
      "./: b.txt",
      "a/: w.ts, x.ts",
      "  b/: y.ts",
      "a-c/: z.ts",
    ]);
  });
});

describe("pageRank", () => {
  it("sums to one and favours the node everyone links to", () => {
    const edges = [new Map([[2, 1]]), new Map([[2, 1]]), new Map<number, number>()];
    const rank = pageRank(edges, [1, 1, 1]);
    expect(rank.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(rank[2]).toBeGreaterThan(rank[0]!);
  });
});
