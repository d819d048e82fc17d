import { describe, expect, it } from "vitest";
import { formatNotReviewed } from "../../../src/review/diff/not-reviewed.js";
import { parsePatch } from "../../../src/review/diff/patch.js";
import { DIFF_LEGEND, renderChunk } from "../../../src/review/diff/render.js";
import { riskOf, RISK } from "../../../src/review/diff/risk.js";

describe("renderChunk", () => {
  it("shows each file's header, context above hunks, and new-file numbers on lines the model can cite", () => {
    const [first, second] = parsePatch(
      [
        "@@ -3,2 +3,4 @@ export function total(items) {",
        "   let sum = 0;",
        "-  for (const i of items) sum += i;",
        "+  for (const i of items) {",
        "+    sum += i.price;",
        "+  }",
        "@@ -20,1 +21,1 @@",
        "-old();",
        "+next();",
      ].join("\n"),
    );
    const text = renderChunk({
      tokens: 0,
      files: [
        {
          path: "src/total.ts",
          previousPath: "src/sum.ts",
          status: "renamed",
          hunks: [
            { hunk: first!, context: { startLine: 1, lines: ["export function total(items) {"] } },
            { hunk: second!, part: { index: 1, count: 2 } },
          ],
        },
        { path: "README.md", status: "modified", hunks: [{ hunk: parsePatch("@@ -1 +1 @@\n-a\n+b")[0]! }] },
      ],
    });
    expect(text).toBe(
      [
        "### src/total.ts (renamed from src/sum.ts)",
        "     1 | export function total(items) {",
        "       | …",
        "@@ -3,2 +3,4 @@ export function total(items) {",
        "     3     let sum = 0;",
        "       -   for (const i of items) sum += i;",
        "     4 +   for (const i of items) {",
        "     5 +     sum += i.price;",
        "     6 +   }",
        "@@ -20,1 +21,1 @@ (part 1 of 2 of a hunk too long for one call)",
        "       - old();",
        "    21 + next();",
        "",
        "### README.md (modified)",
        "@@ -1,1 +1,1 @@",
        "       - a",
        "     1 + b",
      ].join("\n"),
    );
    expect(DIFF_LEGEND).toMatch(/new file/);
  });
});

describe("formatNotReviewed", () => {
  it("lists each entry with its lines and why", () => {
    expect(
      formatNotReviewed([
        { path: "yarn.lock", reason: "lockfile", detail: "lockfile" },
        {
          path: "src/a.ts",
          reason: "deletion-only",
          detail: "only removes lines",
          lines: { side: "old", start: 4, end: 9 },
        },
        {
          path: "src/b.ts",
          reason: "budget",
          detail: "past the budget",
          lines: { side: "new", start: 7, end: 7 },
        },
      ]),
    ).toEqual([
      "- `yarn.lock`: lockfile",
      "- `src/a.ts` removed lines 4–9: only removes lines",
      "- `src/b.ts` line 7: past the budget",
    ]);
  });
});

describe("riskOf", () => {
  it.each([
    ["src/auth/login.ts", RISK.sensitive],
    ["lib/crypto.py", RISK.sensitive],
    ["db/migrations/001_init.sql", RISK.sensitive],
    [".github/workflows/release.yml", RISK.sensitive],
    ["src/app.ts", RISK.code],
    ["config/auth.yml", RISK.code],
    ["test/auth.test.ts", RISK.supporting],
    ["pkg/server_test.go", RISK.supporting],
    ["tsconfig.json", RISK.supporting],
    ["docs/setup.md", RISK.docs],
    ["README.md", RISK.docs],
  ] as const)("rates %s %i", (path, risk) => {
    expect(riskOf(path)).toBe(risk);
  });
});

describe("formatNotReviewed with odd paths", () => {
  it("fences a path that holds a backtick", () => {
    expect(formatNotReviewed([{ path: "a`b.ts", reason: "no-diff", detail: "binary" }])).toEqual([
      "- `` a`b.ts ``: binary",
    ]);
  });
});
