import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../../src/config/schema.js";
import {
  failureNotice,
  findSummary,
  PAUSED_NOTICE,
  readSummaryMarker,
  renderSummary,
  renderSummaryMarker,
  upsertSummary,
  withNotice,
  type SummaryInput,
} from "../../../src/review/post/summary-comment.js";
import { githubApi, testOctokit } from "../../helpers/github-api.js";
import { githubExample } from "../../helpers/github-examples.js";
import { githubToken, prng } from "../../helpers/tokens.js";
import { finding } from "../findings/helpers.js";

const guard = RepoConfig.parse({}).guard;
const repo = { owner: "o", repo: "r" };
const BOT = "patchwright[bot]";
const marker = { headSha: "c".repeat(40), findings: ["0123456789abcdef"] };

const base: SummaryInput = {
  headSha: "abcdef0123456789abcdef0123456789abcdef01",
  summary: "Adds retries to the uploader.",
  files: [{ path: "src/upload.ts", note: "Retries three times." }],
  notReviewed: [],
  notPosted: [],
  rejected: [],
  looksFixed: [],
  unparsed: undefined,
  notes: [],
  stats: { modelCalls: 2, tokens: 12345, costUsd: 0.04125 },
};

describe("the summary marker", () => {
  it("round-trips, and is read only from the end of the body", () => {
    const rendered = renderSummaryMarker(marker);
    expect(rendered).toBe(
      `<!-- patchwright:review {"headSha":"${"c".repeat(40)}","findings":["0123456789abcdef"]} -->`,
    );
    expect(readSummaryMarker(`Walkthrough.\n\n${rendered}\n`)).toEqual(marker);
    expect(readSummaryMarker(`${rendered}\n\nMore text after it.`)).toBeUndefined();
    expect(readSummaryMarker('<!-- patchwright:review {"headSha":"nope","findings":[]} -->')).toBeUndefined();
    expect(readSummaryMarker("<!-- patchwright:review {not json} -->")).toBeUndefined();
  });
});

describe("renderSummary", () => {
  it("writes the walkthrough, leaving out empty sections", () => {
    const body = renderSummary(base);
    expect(body).toBe(
      [
        "## patchwright review",
        "Adds retries to the uploader.",
        "### Files\n\n- `src/upload.ts`: Retries three times.",
        "<sub>Reviewed up to `abcdef0` · 2 model calls · 12,345 tokens · $0.0413</sub>",
      ].join("\n\n"),
    );
  });

  it("lists what was not posted, not reviewed, looks fixed or could not be read, and defuses markers", () => {
    const body = renderSummary({
      ...base,
      summary: "Sneaky <!-- patchwright:review {} --> text.",
      notPosted: [finding({ title: "Uses <b>", startLine: 10, line: 12 })],
      notReviewed: [{ path: "package-lock.json", reason: "a lockfile" }],
      looksFixed: [
        {
          fingerprint: "1",
          path: "src/a.ts",
          title: "Leak",
          url: "https://github.com/o/r/pull/1#r1",
          why: "file gone",
        },
      ],
      unparsed: "{ broken json ``` }",
      notes: ["The findings were not scored."],
    });
    expect(body).toContain("Sneaky <!-- patchwright&#58;review {} --> text.");
    expect(body).toContain("🟠 major · <code>src/upload.ts:10-12</code> · Uses &lt;b&gt;</summary>");
    expect(body).toContain("- `package-lock.json`: a lockfile");
    expect(body).toContain("- [Leak](https://github.com/o/r/pull/1#r1) in `src/a.ts`: the file is gone.");
    expect(body).toContain("````text\n{ broken json ``` }\n````");
    expect(body).toContain("### Notes\n\n- The findings were not scored.");
  });
});

describe("upsertSummary", () => {
  const issueComment = (id: number, login: string, body: string) =>
    githubExample("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", 200, {
      id,
      body,
      user: { login },
      html_url: `https://github.com/o/r/pull/1#issuecomment-${id}`,
    });

  it("creates the summary once when the pull request has none of ours", async () => {
    let sent = "";
    githubApi()
      .get("/repos/o/r/issues/1/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, [issueComment(5, "mallory", `Fake.\n\n${renderSummaryMarker(marker)}`)])
      .post("/repos/o/r/issues/1/comments", (b: { body: string }) => ((sent = b.body), true))
      .reply(201, issueComment(9, BOT, "x"));
    const result = await upsertSummary(testOctokit(), repo, 1, {
      body: "Walkthrough.",
      marker,
      botLogin: BOT,
      guard,
    });
    expect(result).toEqual({ commentId: 9, created: true });
    expect(sent).toBe(`Walkthrough.\n\n${renderSummaryMarker(marker)}`);
  });

  it("updates ours in place, and keeps the marker when the leak guard withholds the text", async () => {
    let sent = "";
    githubApi()
      .get("/repos/o/r/issues/1/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, [
        issueComment(5, "someone", "Hi"),
        issueComment(7, BOT, `Old.\n\n${renderSummaryMarker(marker)}`),
      ])
      .patch("/repos/o/r/issues/comments/7", (b: { body: string }) => ((sent = b.body), true))
      .reply(200, issueComment(7, BOT, "x"));
    const existing = await findSummary(testOctokit(), repo, 1, BOT);
    expect(existing).toEqual({ id: 7, body: `Old.\n\n${renderSummaryMarker(marker)}`, marker });
    const leaky = `It logs ${githubToken(prng(3))}.`;
    const next = { ...marker, headSha: "d".repeat(40) };
    const result = await upsertSummary(testOctokit(), repo, 1, {
      body: leaky,
      marker: next,
      botLogin: BOT,
      guard,
      existing,
    });
    expect(result).toEqual({ commentId: 7, created: false });
    expect(sent).toMatch(/^patchwright withheld this message/);
    expect(readSummaryMarker(sent)).toEqual(next);
  });
});

describe("notices", () => {
  it("puts a pause or a failure under the heading, replacing the same kind, never stacking", () => {
    const body = renderSummary(base);
    const failed = withNotice(body, "failed", failureNotice("a".repeat(40), "GitHub answered 502."));
    const paused = withNotice(failed, "paused", PAUSED_NOTICE);
    expect(paused.split("\n\n").slice(0, 4)).toEqual([
      "## patchwright review",
      PAUSED_NOTICE,
      "> ⚠️ The review of `aaaaaaa` could not be finished: GitHub answered 502.",
      "Adds retries to the uploader.",
    ]);
    const again = withNotice(paused, "failed", failureNotice("b".repeat(40), "The model failed."));
    expect(again.match(/⚠️/g)).toHaveLength(1);
    expect(again).toContain("`bbbbbbb`");
    expect(withNotice(withNotice(again, "failed", undefined), "paused", undefined)).toBe(body);
    expect(withNotice("", "paused", PAUSED_NOTICE)).toBe(`## patchwright review\n\n${PAUSED_NOTICE}`);
  });
});
