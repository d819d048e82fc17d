import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../../src/config/schema.js";
import {
  MAX_CARRIED_CHARS,
  carryOver,
  toCarried,
  withinBudget,
} from "../../../src/review/post/carry-findings.js";
import { readSummaryMarker, renderSummaryMarker } from "../../../src/review/post/summary-comment.js";
import { prng } from "../../helpers/tokens.js";
import { finding } from "../findings/helpers.js";

const guard = RepoConfig.parse({}).guard;
const SEND = "export function send(data) {\n  return fetch(data);\n}\n";
const FP = "0123456789abcdef";

describe("carried summary-only findings", () => {
  it("survive a round trip through the marker, and follow their code to its nearest new place", async () => {
    const entry = toCarried(finding({ path: "src/send.ts", line: 2, title: "Swallowed" }), FP, SEND)!;
    expect(entry).toMatchObject({ code: ["return fetch(data);"], codeLine: 2 });
    const marker = readSummaryMarker(renderSummaryMarker({ findings: [], summaryOnly: [entry] }));
    expect(marker?.summaryOnly).toEqual([entry]);

    const moved = `// a\n\n${SEND}function other(data) {\n  return fetch(data);\n}\n`;
    const { kept, fixed } = await carryOver([entry], () => Promise.resolve(moved), new Set());
    expect(fixed).toEqual([]);
    expect(kept).toMatchObject([{ line: 4, codeLine: 4 }]);
    // Reported again by this review: the new one stands.
    expect(await carryOver([entry], () => Promise.resolve(SEND), new Set([FP]))).toEqual({
      kept: [],
      fixed: [],
    });
  });

  it("is not carried when the leak guard flags it, and stays within its share of the comment", () => {
    const key = `AKIA${prng(11)(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
    const leaky = toCarried(
      finding({ path: "src/send.ts", line: 2, title: "Key in code", body: `The key ${key} is committed.` }),
      FP,
      SEND,
    )!;
    expect(withinBudget([leaky], guard)).toEqual([]);

    const many = Array.from({ length: 40 }, (_, i) =>
      toCarried(
        finding({ path: "src/send.ts", line: 2, title: `Finding ${i}`, body: "<why> ".repeat(300) }),
        FP,
        SEND,
      )!,
    );
    const kept = withinBudget(many, guard);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(many.length);
    const markerChars = renderSummaryMarker({ findings: [], summaryOnly: kept }).length;
    expect(markerChars).toBeLessThanOrEqual(MAX_CARRIED_CHARS + 100);
  });
});
