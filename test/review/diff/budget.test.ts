import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../../src/agent/context/token-count.js";
import { planReview, type ReviewPlan } from "../../../src/review/diff/budget.js";
import type { FileStatus } from "../../../src/github/pull-files.js";
import type { DiffFile } from "../../../src/review/diff/diff-file.js";
import { newEnd, oldEnd, parsePatch, type Hunk, type HunkLine } from "../../../src/review/diff/patch.js";
import { renderChunk } from "../../../src/review/diff/render.js";

/** One hunk: `spec` is a string of a (added), d (removed) and c (context) lines. */
function hunkText(
  oldStart: number,
  newStart: number,
  spec: string,
  text = (i: number) => `line ${i}`,
): string {
  const rows = [...spec].map((k, i) => `${k === "a" ? "+" : k === "d" ? "-" : " "}${text(i)}`);
  const oldLines = [...spec].filter((k) => k !== "a").length;
  const newLines = [...spec].filter((k) => k !== "d").length;
  return [`@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`, ...rows].join("\n");
}

function diffFile(path: string, patch: string, status: FileStatus = "modified"): DiffFile {
  return { path, status, hunks: parsePatch(patch) };
}

const paths = (plan: ReviewPlan) => plan.chunks.map((c) => c.files.map((f) => f.path));

describe("planReview", () => {
  it("puts a small diff in one call, highest risk first", async () => {
    const files = [
      diffFile("README.md", hunkText(1, 1, "cac")),
      diffFile("test/app.test.ts", hunkText(1, 1, "caac")),
      diffFile("src/app.ts", hunkText(1, 1, "cac")),
      diffFile("src/big.ts", hunkText(1, 1, "caaaac")),
      diffFile("src/auth/session.ts", hunkText(1, 1, "cac")),
    ];
    const plan = await planReview(files, { tokensPerCall: 10_000, maxCalls: 3 });
    expect(paths(plan)).toEqual([
      ["src/auth/session.ts", "src/big.ts", "src/app.ts", "test/app.test.ts", "README.md"],
    ]);
    expect(plan.notReviewed).toEqual([]);
  });

  it("lists deletion-only hunks and deleted files instead of sending them", async () => {
    const files = [
      diffFile("src/a.ts", `${hunkText(10, 10, "cddc")}\n${hunkText(30, 28, "cac")}`),
      diffFile("src/gone.ts", hunkText(1, 0, "ddd"), "removed"),
      diffFile("src/trim.ts", hunkText(5, 5, "cdc")),
    ];
    const plan = await planReview(files, { tokensPerCall: 10_000, maxCalls: 1 });
    expect(plan.chunks[0]!.files.map((f) => [f.path, f.hunks.map((h) => h.hunk.newStart)])).toEqual([
      ["src/a.ts", [28]],
    ]);
    expect(plan.notReviewed).toEqual([
      {
        path: "src/a.ts",
        reason: "deletion-only",
        detail: "only removes lines",
        lines: { side: "old", start: 10, end: 13 },
      },
      { path: "src/gone.ts", reason: "deleted", detail: "deleted" },
      {
        path: "src/trim.ts",
        reason: "deletion-only",
        detail: "only removes lines",
        lines: { side: "old", start: 5, end: 7 },
      },
    ]);
  });

  it("keeps whole files together and splits a file too big for one call by hunks", async () => {
    const long = (i: number) => `const value${i} = compute(${"x".repeat(60)});`;
    const big = diffFile(
      "src/big.ts",
      [
        hunkText(10, 10, "caaaaaaaac", long),
        hunkText(100, 108, "caaaaaaaac", long),
        hunkText(200, 216, "caaaaaaaac", long),
      ].join("\n"),
    );
    const small = diffFile("src/small.ts", hunkText(1, 1, "cac"));
    // What one hunk of `big`, and all of `small`, take in a call (a blank line separates files).
    const cost = (file: DiffFile, i: number) =>
      estimateTokens(
        renderChunk({ files: [{ ...file, hunks: [{ hunk: file.hunks[i]! }] }], tokens: 0 }) + "\n\n",
      );
    const tokensPerCall = cost(big, 0) + cost(big, 1) + cost(small, 0);
    const plan = await planReview([big, small], { tokensPerCall, maxCalls: 5 });
    expect(plan.notReviewed).toEqual([]);
    expect(plan.chunks.map((c) => c.files.map((f) => [f.path, f.hunks.map((h) => h.hunk.newStart)]))).toEqual(
      [
        [
          ["src/big.ts", [10, 108]],
          ["src/small.ts", [1]],
        ],
        [["src/big.ts", [216]]],
      ],
    );
  });

  it("splits a hunk bigger than one call by lines, numbering each part", async () => {
    const spec = `c${"a".repeat(60)}c`;
    const file = diffFile(
      "src/gen.ts",
      hunkText(5, 5, spec, (i) => `statement(${i}, "${"y".repeat(40)}");`),
    );
    const plan = await planReview([file], { tokensPerCall: 300, maxCalls: 10 });
    expect(plan.notReviewed).toEqual([]);
    const parts = plan.chunks.flatMap((c) => c.files.flatMap((f) => f.hunks));
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => ({ index: i + 1, count: parts.length })));
    expect(parts.flatMap((p) => p.hunk.lines)).toEqual(file.hunks[0]!.lines);
    // Each part's header counts its own lines, continuing where the previous part stopped.
    let next = 5;
    for (const { hunk } of parts) {
      expect(hunk.newStart).toBe(next);
      expect(hunk.lines[0]!.newLine).toBe(next);
      next += hunk.newLines;
    }
    expect(renderChunk(plan.chunks[0]!)).toContain(
      `(part 1 of ${parts.length} of a hunk too long for one call)`,
    );
    for (const chunk of plan.chunks) expect(chunk.tokens).toBeLessThanOrEqual(300);
  });

  it("names what the allowed calls cannot hold, lowest risk first, whole files as one entry", async () => {
    const filler = (i: number) => `value_${i} = ${"z".repeat(80)}`;
    const files = [
      diffFile("docs/guide.md", hunkText(1, 1, "caaaac", filler)),
      diffFile("src/auth/login.ts", hunkText(1, 1, "caaaac", filler)),
      diffFile("src/util.ts", hunkText(1, 1, "caaaac", filler)),
    ];
    const one = estimateTokens(
      renderChunk({ files: [{ ...files[0]!, hunks: [{ hunk: files[0]!.hunks[0]! }] }], tokens: 0 }),
    );
    const plan = await planReview(files, { tokensPerCall: one + 20, maxCalls: 2 });
    expect(paths(plan)).toEqual([["src/auth/login.ts"], ["src/util.ts"]]);
    expect(plan.notReviewed).toEqual([
      {
        path: "docs/guide.md",
        reason: "budget",
        detail: `past the review's budget of 2 model call(s) of ${one + 20} tokens`,
      },
    ]);
  });

  it("names the hunks of a partly reviewed file that did not fit", async () => {
    const filler = (i: number) => `value_${i} = ${"z".repeat(80)}`;
    const file = diffFile(
      "src/a.ts",
      `${hunkText(1, 1, "caaac", filler)}\n${hunkText(50, 50, "caaac", filler)}`,
    );
    const one = estimateTokens(
      renderChunk({ files: [{ ...file, hunks: [{ hunk: file.hunks[0]! }] }], tokens: 0 }),
    );
    const plan = await planReview([file], { tokensPerCall: one + 5, maxCalls: 1 });
    expect(plan.chunks[0]!.files[0]!.hunks.map((h) => h.hunk.newStart)).toEqual([1]);
    expect(plan.notReviewed).toEqual([
      expect.objectContaining({
        path: "src/a.ts",
        reason: "budget",
        lines: { side: "new", start: 50, end: 54 },
      }),
    ]);
  });

  it("reports a single line longer than a whole call", async () => {
    const file = diffFile(
      "src/data.ts",
      hunkText(1, 1, "cac", (i) => (i === 1 ? "q".repeat(5000) : "ok")),
    );
    const plan = await planReview([file], { tokensPerCall: 200, maxCalls: 5 });
    const reported = plan.notReviewed.find((n) => n.lines?.start === 2);
    expect(reported).toMatchObject({
      path: "src/data.ts",
      reason: "budget",
      lines: { side: "new", start: 2, end: 2 },
    });
    expect(reported!.detail).toMatch(/longer than one model call holds/);
    expect(
      plan.chunks.flatMap((c) =>
        c.files.flatMap((f) => f.hunks.flatMap((h) => h.hunk.lines.map((l) => l.newLine))),
      ),
    ).toEqual([1, 3]);
  });

  it("adds the enclosing function above a hunk from the head version, and drops it when it does not fit", async () => {
    const source = [
      "export function total(items: Item[]) {",
      "  let sum = 0;",
      "  for (const i of items) {",
      "    sum += i.price;",
      "    sum += i.tax;",
      "  }",
      "  return sum;",
      "}",
    ];
    const file = diffFile(
      "src/total.ts",
      hunkText(3, 3, "ccca", (i) => source[i + 2]!),
    );
    const readFile = (path: string) =>
      Promise.resolve(path === "src/total.ts" ? source.join("\n") : undefined);
    const roomy = await planReview([file], { tokensPerCall: 10_000, maxCalls: 1, readFile });
    expect(roomy.chunks[0]!.files[0]!.hunks[0]!.context).toEqual({ startLine: 1, lines: source.slice(0, 2) });
    expect(renderChunk(roomy.chunks[0]!)).toContain("     1 | export function total(items: Item[]) {");

    const bare = estimateTokens(
      renderChunk({ files: [{ ...file, hunks: [{ hunk: file.hunks[0]! }] }], tokens: 0 }),
    );
    const tight = await planReview([file], { tokensPerCall: bare + 1, maxCalls: 1, readFile });
    expect(tight.chunks[0]!.files[0]!.hunks[0]!.context).toBeUndefined();
    expect(tight.notReviewed).toEqual([]);
  });
});

describe("planReview never loses a hunk", () => {
  /** A small deterministic generator, so a failure can be replayed from its seed. */
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const PATHS = ["src/auth/token.ts", "src/app.ts", "lib/x.py", "test/a.test.ts", "docs/a.md", "config.yml"];

  function randomFile(random: () => number, path: string): DiffFile {
    const removed = random() < 0.1;
    const hunks: string[] = [];
    let oldAt = 1;
    let newAt = 1;
    for (let h = 0; h < 1 + Math.floor(random() * 5); h++) {
      oldAt += 5 + Math.floor(random() * 30);
      newAt += 5 + Math.floor(random() * 30);
      const length = 1 + Math.floor(random() * (random() < 0.2 ? 120 : 12));
      let spec = [...Array(length)].map(() => (removed ? "d" : "acd"[Math.floor(random() * 3)]!)).join("");
      if (!removed && random() < 0.2) spec = spec.replaceAll("a", "d"); // deletion-only
      const width = random() < 0.05 ? 3000 : 10 + Math.floor(random() * 100);
      hunks.push(hunkText(oldAt, removed ? 0 : newAt, spec, (i) => `${i}:${"w".repeat(width)}`));
      oldAt += [...spec].filter((k) => k !== "a").length;
      newAt += [...spec].filter((k) => k !== "d").length;
      if (removed) break;
    }
    return diffFile(path, hunks.join("\n"), removed ? "removed" : "modified");
  }

  function covers(plan: ReviewPlan, path: string, hunk: Hunk, line: HunkLine): boolean {
    return plan.notReviewed.some((n) => {
      if (n.path !== path) return false;
      if (!n.lines) return true;
      const { side, start, end } = n.lines;
      if (line.kind === "del" || side === "old") {
        const [lo, hi] = side === "old" ? [hunk.oldStart, oldEnd(hunk)] : [hunk.newStart, newEnd(hunk)];
        return start <= hi && end >= lo;
      }
      return line.newLine! >= start && line.newLine! <= end;
    });
  }

  it.each(Array.from({ length: 60 }, (_, i) => i + 1))("seed %i", async (seed) => {
    const random = rng(seed);
    const files = PATHS.filter(() => random() < 0.8).map((p) => randomFile(random, p));
    const tokensPerCall = 80 + Math.floor(random() * 2500);
    const maxCalls = 1 + Math.floor(random() * 4);
    const readFile =
      random() < 0.5 ? undefined : () => Promise.resolve("function f() {\n  a();\n}\n".repeat(50));
    const plan = await planReview(files, { tokensPerCall, maxCalls, ...(readFile && { readFile }) });

    expect(plan.chunks.length).toBeLessThanOrEqual(maxCalls);
    const seen = new Map<HunkLine, number>();
    for (const chunk of plan.chunks) {
      expect(chunk.tokens).toBe(estimateTokens(renderChunk(chunk)));
      expect(chunk.tokens).toBeLessThanOrEqual(tokensPerCall);
      for (const f of chunk.files)
        for (const h of f.hunks) for (const l of h.hunk.lines) seen.set(l, (seen.get(l) ?? 0) + 1);
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const file of files) {
      for (const hunk of file.hunks) {
        for (const line of hunk.lines) {
          if (seen.has(line)) continue;
          expect(
            covers(plan, file.path, hunk, line),
            `${file.path} ${JSON.stringify(line).slice(0, 80)}`,
          ).toBe(true);
        }
      }
    }
    const known = new Set(files.map((f) => f.path));
    expect(plan.notReviewed.every((n) => known.has(n.path))).toBe(true);
  });
});
