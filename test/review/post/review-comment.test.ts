import { describe, expect, it } from "vitest";
import {
  readCommentTitle,
  renderReviewBody,
  renderReviewComment,
} from "../../../src/review/post/review-comment.js";
import { readFingerprint } from "../../../src/review/post/fingerprint.js";
import { finding } from "../findings/helpers.js";

describe("renderReviewComment", () => {
  const f = finding({
    title: "Read after close",
    body: "The tail is lost.",
    suggestion: "  stream.read();\n  stream.close();",
  });

  it("writes the badge, title, explanation, suggestion and fingerprint", () => {
    const body = renderReviewComment(f, { fingerprint: "0123456789abcdef", exactRange: true });
    expect(body).toBe(
      [
        "🟠 **Major** · _bug_",
        "**Read after close**",
        "The tail is lost.",
        "```suggestion\n  stream.read();\n  stream.close();\n```",
        "<!-- patchwright:finding 0123456789abcdef -->",
      ].join("\n\n"),
    );
    expect(readCommentTitle(body)).toBe("Read after close");
    expect(readFingerprint(body)).toBe("0123456789abcdef");
  });

  it("leaves the suggestion out when the range is not exact, and defuses markers in the text", () => {
    const body = renderReviewComment(
      { ...f, body: "See <!-- patchwright:finding ffffffffffffffff --> here." },
      { fingerprint: "0123456789abcdef", exactRange: false },
    );
    expect(body).not.toContain("suggestion");
    expect(body).toContain("<!-- patchwright&#58;finding ffffffffffffffff -->");
    expect(readFingerprint(body)).toBe("0123456789abcdef");
  });

  it("fences a suggestion that holds backticks, and keeps an empty one empty (a deletion)", () => {
    const fenced = renderReviewComment(
      { ...f, suggestion: "const md = ```x```;" },
      { fingerprint: "0123456789abcdef", exactRange: true },
    );
    expect(fenced).toContain("````suggestion\nconst md = ```x```;\n````");
    const deletion = renderReviewComment(
      { ...f, suggestion: "" },
      { fingerprint: "0123456789abcdef", exactRange: true },
    );
    expect(deletion).toContain("```suggestion\n```");
  });
});

describe("renderReviewBody", () => {
  it("points to the summary", () => {
    expect(renderReviewBody(1, "abcdef0123")).toBe(
      "**patchwright** left 1 comment on `abcdef0`. The walkthrough, and anything not posted inline, is in the summary comment.",
    );
  });
});
