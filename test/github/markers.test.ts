import { describe, expect, it } from "vitest";
import { readFingerprint, renderFingerprint } from "../../src/review/post/fingerprint.js";
import {
  readSummaryMarker,
  renderSummaryMarker,
  withoutMarker,
} from "../../src/review/post/summary-comment.js";
import { readMarker, renderMarker } from "../../src/runs/marker.js";

// The markers on comments already on GitHub must still be read: these are the bytes as written.
const SHA = "c".repeat(40);
const RUN =
  '<!-- patchwright:run {"run":"r1","trigger":"issue_comment:5","plan":{"request":"a\\u003cb","text":"x --\\u003e y",' +
  '"sha256":"s","shown":"h","mac":"m"}} -->';
const REVIEW = `<!-- patchwright:review {"headSha":"${SHA}","findings":["0123456789abcdef"],"paused":true} -->`;
const FINDING = "<!-- patchwright:finding 0123456789abcdef -->";

describe("our hidden markers on the wire", () => {
  it("are written byte for byte as before", () => {
    const plan = { request: "a<b", text: "x --> y", sha256: "s", shown: "h", mac: "m" };
    expect(renderMarker({ run: "r1", trigger: "issue_comment:5", plan })).toBe(RUN);
    expect(renderSummaryMarker({ headSha: SHA, findings: ["0123456789abcdef"], paused: true })).toBe(REVIEW);
    expect(renderFingerprint("0123456789abcdef")).toBe(FINDING);
  });

  it("are read where each kind is looked for: a run's anywhere, a review's and a finding's at the end", () => {
    expect(readMarker(`Working.\n\n${RUN}\n\nmore`)).toMatchObject({ run: "r1", plan: { text: "x --> y" } });
    expect(readSummaryMarker(`Text.\n\n${REVIEW}\n`)).toEqual({
      headSha: SHA,
      findings: ["0123456789abcdef"],
      paused: true,
    });
    expect(readSummaryMarker(`${REVIEW}\nafter`)).toBeUndefined();
    expect(readFingerprint(`Text.\n\n${FINDING} `)).toBe("0123456789abcdef");
    expect(readFingerprint(`${FINDING} after`)).toBeUndefined();
    expect(withoutMarker(`Text.\n\n${REVIEW}\n`)).toBe("Text.");
  });

  it("are not read when their payload does not check out", () => {
    expect(readMarker('<!-- patchwright:run {"run":1} -->')).toBeUndefined();
    expect(readMarker("<!-- patchwright:run {nope} -->")).toBeUndefined();
    expect(readSummaryMarker('<!-- patchwright:review {"findings":["XYZ"]} -->')).toBeUndefined();
    expect(readFingerprint("<!-- patchwright:finding 0123 -->")).toBeUndefined();
    expect(readMarker(REVIEW)).toBeUndefined();
  });
});
