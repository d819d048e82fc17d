import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../../src/config/schema.js";
import type { Finding } from "../../../src/review/findings/finding.js";
import { publishReview, type PublishDeps, type PublishInput } from "../../../src/review/post/publish.js";
import { readSummaryMarker } from "../../../src/review/post/summary-comment.js";
import { testOctokit } from "../../helpers/github-api.js";
import { finding } from "../findings/helpers.js";
import { fakePull } from "./fake-pull.js";

const BOT = "patchwright[bot]";
const HEAD_1 = "1".repeat(40);
const HEAD_2 = "2".repeat(40);

const UPLOAD =
  "export async function upload(stream) {\n  stream.close();\n  const tail = stream.read();\n  return send(tail);\n}\n";
const RETRY = "export function retry(fn) {\n  while (true) fn();\n}\n";

const readAfterClose = (line: number) =>
  finding({ path: "src/upload.ts", line, title: "Read after close", severity: "major" });
const retriesForever = finding({
  path: "src/retry.ts",
  line: 2,
  title: "Retries forever",
  severity: "minor",
  category: "correctness",
  body: "A failing `fn` spins without end.",
  suggestion: "  for (let i = 0; i < 3; i++) fn();",
});

function deps(state: { files: Record<string, string> }): PublishDeps {
  return {
    octokit: testOctokit(),
    repo: { owner: "o", repo: "r" },
    pullNumber: 1,
    botLogin: BOT,
    guard: RepoConfig.parse({}).guard,
    readFile: (path) => Promise.resolve(state.files[path]),
  };
}

function input(headSha: string, comments: Finding[], overrides: Partial<PublishInput> = {}): PublishInput {
  return {
    headSha,
    summary: "Adds an uploader with retries.",
    files: [{ path: "src/upload.ts", note: "The uploader." }],
    comments: comments.map((f) => ({ finding: f, exactRange: true })),
    notPosted: [],
    notReviewed: [],
    unparsed: undefined,
    notes: [],
    stats: { modelCalls: 2, tokens: 1234, costUsd: 0.0123 },
    requestChanges: false,
    ...overrides,
  };
}

describe("publishReview", () => {
  it("posts new findings once: a re-run on the same head posts nothing, a push posts only what is new", async () => {
    const pr = fakePull(BOT, { "src/upload.ts": UPLOAD, "src/retry.ts": RETRY });

    // First review.
    const first = await publishReview(deps(pr), input(HEAD_1, [readAfterClose(3), retriesForever]));
    expect(first).toMatchObject({ posted: 2, alreadyPosted: 0, rejected: 0, looksFixed: [] });
    expect(pr.reviews).toHaveLength(1);
    expect(pr.reviews[0]).toMatchObject({ commit_id: HEAD_1, event: "COMMENT" });
    expect(pr.reviews[0]?.comments[1]?.body).toContain(
      "```suggestion\n  for (let i = 0; i < 3; i++) fn();\n```",
    );
    expect(pr.issueComments).toHaveLength(1);
    const marker1 = readSummaryMarker(pr.issueComments[0]?.body);
    expect(marker1?.headSha).toBe(HEAD_1);
    expect(marker1?.findings).toHaveLength(2);

    // The same head again, the same findings: zero new comments, the summary updated in place.
    const again = await publishReview(deps(pr), input(HEAD_1, [readAfterClose(3), retriesForever]));
    expect(again).toMatchObject({ posted: 0, alreadyPosted: 2, reviewId: undefined, looksFixed: [] });
    expect(pr.reviews).toHaveLength(1);
    expect(pr.issueComments).toHaveLength(1);
    expect(pr.patched).toEqual([first.summaryCommentId]);

    // A push: two lines added above the first finding (it moves to line 5), the retry loop fixed,
    // and a new problem found.
    pr.files = {
      "src/upload.ts": `import { send } from "./send.js";\n\n${UPLOAD.replace("return send(tail);", "send(tail);")}`,
      "src/retry.ts": "export function retry(fn) {\n  for (let i = 0; i < 3; i++) fn();\n}\n",
    };
    const unchecked = finding({
      path: "src/upload.ts",
      line: 6,
      title: "The send result is dropped",
      severity: "minor",
    });
    const pushed = await publishReview(deps(pr), input(HEAD_2, [readAfterClose(5), unchecked]));
    expect(pushed).toMatchObject({ posted: 1, alreadyPosted: 1 });
    expect(pr.reviews).toHaveLength(2);
    expect(pr.reviews[1]?.commit_id).toBe(HEAD_2);
    expect(pr.reviews[1]?.comments.map((c) => [c.path, c.line])).toEqual([["src/upload.ts", 6]]);
    expect(pushed.looksFixed.map((f) => [f.path, f.title, f.why])).toEqual([
      ["src/retry.ts", "Retries forever", "code changed"],
    ]);

    expect(pr.issueComments).toHaveLength(1);
    const summary = pr.issueComments[0]!.body;
    expect(summary).toContain("### Earlier findings that look fixed");
    expect(summary).toMatch(
      /\[Retries forever\]\(https:\/\/github\.com\/o\/r\/pull\/1#discussion_r\d+\) in `src\/retry\.ts`/,
    );
    const marker2 = readSummaryMarker(summary);
    expect(marker2?.headSha).toBe(HEAD_2);
    expect(marker2?.findings).toHaveLength(3);
    expect(marker2?.findings.slice(0, 2)).toEqual(marker1?.findings);
  });

  it("requests changes only when asked and a blocking finding is posted, and lists refused comments in the summary", async () => {
    const pr = fakePull(BOT, { "src/upload.ts": UPLOAD, "src/retry.ts": RETRY }, ["src/retry.ts"]);
    const result = await publishReview(
      deps(pr),
      input(HEAD_1, [readAfterClose(3), retriesForever], {
        requestChanges: true,
        notPosted: [
          finding({ path: "src/upload.ts", line: 4, title: "No timeout on send", severity: "minor" }),
        ],
      }),
    );
    expect(result).toMatchObject({ posted: 1, rejected: 1 });
    expect(pr.reviews.map((r) => [r.event, r.comments.length])).toEqual([["REQUEST_CHANGES", 1]]);
    const summary = pr.issueComments[0]!.body;
    expect(summary).toContain("### Findings GitHub did not accept as comments");
    expect(summary).toContain("<code>src/retry.ts:2</code> · Retries forever</summary>");
    expect(summary).toContain("GitHub said: Unprocessable Entity: Line could not be resolved");
    expect(summary).toContain("### More findings, not posted as comments");
    expect(summary).toContain("No timeout on send");
    // The refused finding is not recorded as posted: a later run may place it again.
    expect(readSummaryMarker(summary)?.findings).toHaveLength(1);
  });
});
