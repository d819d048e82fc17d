import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXCLUDES } from "../../src/review/diff/filters.js";
import { REVIEW_DEFAULTS } from "../../src/review/review-input.js";

const doc = readFileSync(new URL("../../docs/review.md", import.meta.url), "utf8");

describe("docs/review.md", () => {
  it("names every file the review leaves out by default", () => {
    // `**/yarn.lock` is documented as `yarn.lock`, `**/vendor/**` as `vendor/`.
    const names = DEFAULT_EXCLUDES.flatMap((group) => group.globs).map((glob) =>
      glob.replace(/^\*\*\//, "").replace(/\/\*\*$/, "/"),
    );
    expect(names.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it("states the budget and the scoring model the code uses", () => {
    expect(doc).toContain(`${REVIEW_DEFAULTS.tokensPerCall.toLocaleString("en-US")} tokens`);
    expect(doc).toContain(`at most ${REVIEW_DEFAULTS.maxCalls} parts`);
    expect(doc).toContain(`\`${REVIEW_DEFAULTS.scoringModel}\``);
    expect(doc).toContain(`at most ${REVIEW_DEFAULTS.maxTurns}`);
  });
});
