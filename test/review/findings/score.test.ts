import { describe, expect, it } from "vitest";
import { ModelError } from "../../../src/agent/model-types.js";
import { ScriptedModel, textResponse } from "../../../src/agent/model/replay-model.js";
import {
  isPraise,
  SCORE_TOOL,
  scoreFindings,
  type ScoreOptions,
} from "../../../src/review/findings/score.js";
import { finding, toolResponse } from "./helpers.js";

const options: ScoreOptions = { model: "claude-haiku-4-5", threshold: 5, profile: "chill", maxComments: 10 };
const input = (overrides: Parameters<typeof finding>[0]) => ({
  finding: finding(overrides),
  context: "read();",
});
const scores = (...list: [number, number | string][]) =>
  toolResponse(SCORE_TOOL, { scores: list.map(([index, score]) => ({ index, score, reason: "because" })) });

describe("scoreFindings", () => {
  it("drops weak findings, sorts by severity then score, and caps the comments", async () => {
    const model = new ScriptedModel([scores([1, 9], [2, 2], [3, "7"], [4, 6])]);
    const result = await scoreFindings(
      model,
      [
        input({ title: "A", severity: "minor" }),
        input({ title: "B", severity: "critical" }),
        input({ title: "C", severity: "major" }),
        input({ title: "D", severity: "major" }),
      ],
      { ...options, maxComments: 2 },
    );
    expect(result.comments.map((s) => [s.finding.title, s.score])).toEqual([
      ["C", 7],
      ["D", 6],
    ]);
    expect(result.notPosted.map((s) => s.finding.title)).toEqual(["A"]);
    expect(result.dropped).toEqual([{ finding: expect.objectContaining({ title: "B" }), why: "low score" }]);
    expect(result.note).toBeUndefined();
    const sent = model.requests[0]!;
    expect(sent.model).toBe("claude-haiku-4-5");
    expect(sent.tools.map((t) => t.name)).toEqual([SCORE_TOOL]);
    expect(sent.messages[0]?.content).toContain("## Finding 2: src/upload.ts:12 (critical, bug)");
  });

  it("drops praise and nits locally, without a model call, and keeps nits when assertive", async () => {
    const praise = input({ title: "Looks good", severity: "minor" });
    const nit = input({ title: "Trailing space", severity: "nit", category: "style" });
    const chill = await scoreFindings(new ScriptedModel([]), [praise, nit], options);
    expect(chill.dropped.map((d) => d.why)).toEqual(["praise", "nit"]);
    expect(chill.modelCalls).toBe(0);
    const assertive = await scoreFindings(new ScriptedModel([scores([1, 6])]), [praise, nit], {
      ...options,
      profile: "assertive",
    });
    expect(assertive.comments.map((s) => s.finding.title)).toEqual(["Trailing space"]);
  });

  it("keeps the findings unscored, and says so, when the scoring call fails", async () => {
    const model = new ScriptedModel(() => {
      throw new ModelError("rate_limit", "Anthropic's API is rate limiting this key.");
    });
    const result = await scoreFindings(model, [input({ title: "A" }), input({ title: "B" })], options);
    expect(result.comments.map((s) => [s.finding.title, s.score])).toEqual([
      ["A", undefined],
      ["B", undefined],
    ]);
    expect(result.note).toMatch(/not scored \(the scoring call failed: Anthropic's API is rate limiting/);
  });

  it("keeps a finding the scorer left out, after the scored ones", async () => {
    const model = new ScriptedModel([scores([2, 8], [9, 10])]);
    const result = await scoreFindings(model, [input({ title: "A" }), input({ title: "B" })], options);
    expect(result.comments.map((s) => [s.finding.title, s.score])).toEqual([
      ["B", 8],
      ["A", undefined],
    ]);
  });

  it("says so when the scorer answers without scores", async () => {
    const result = await scoreFindings(new ScriptedModel([textResponse("All fine.")]), [input({})], options);
    expect(result.comments).toHaveLength(1);
    expect(result.note).toMatch(/no usable scores/);
  });
});

describe("isPraise", () => {
  it.each([
    ["LGTM", "Nothing else."],
    ["Nice use of a Set", "Fast lookups."],
    ["Early return", "This is fine; no change is needed."],
  ])("%s is praise", (title, body) => {
    expect(isPraise(finding({ title, body }))).toBe(true);
  });

  it("does not take a real problem for praise", () => {
    expect(
      isPraise(finding({ title: "Good intentions, wrong lock order", body: "Deadlocks under load." })),
    ).toBe(false);
  });
});
