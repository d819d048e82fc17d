import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../src/config/schema.js";
import { rulesRouter } from "../../src/request/route-intent.js";
import { plainName } from "../../src/runs/buddy/buddy-reply.js";
import { COMMANDS } from "../../src/runs/front-door/commands.js";
import { githubApi, graphqlReply, testOctokit } from "../helpers/github-api.js";
import { recordingQueue } from "../helpers/recording-queue.js";
import { searchAnswer } from "../helpers/search-issues.js";

// A payload's repository is not ours to trust with markup: the buddy names it, so it must not mention
// anyone, open HTML, a link or a code span, nor end the code block the drawing sits in.
const HOSTILE = {
  owner: "@admins",
  repo: "x` <img src=x onerror=alert(1)> [link](https://evil.example) ```\n@octocat <!-- -->",
};

describe("the buddy reply", () => {
  it("keeps only a name's plain characters", () => {
    expect(plainName("patch-wright_2.js")).toBe("patch-wright_2.js");
    expect(plainName("@a<b>`c")).toBe("_a_b__c");
  });

  it("names a hostile repository without a mention, HTML, a link or a broken code block", async () => {
    githubApi()
      .get("/search/issues")
      .query(true)
      .times(3)
      .reply(200, searchAnswer(1))
      .post("/graphql")
      .reply(graphqlReply({ search: () => ({ issueCount: 1, nodes: [] }) }));
    const result = await COMMANDS.buddy({
      mention: {
        type: "mention",
        repository: undefined,
        installationId: undefined,
        sender: undefined,
        body: "@patchwright buddy",
        comment: { id: 1, kind: "issue_comment", createdAt: "2026-12-03T12:00:00Z" },
        author: { login: "octocat" },
        thread: { number: 3, isPullRequest: false },
        pullRequest: undefined,
      },
      config: RepoConfig.parse({ features: { buddy: true } }),
      deps: {
        octokit: testOctokit(),
        queue: recordingQueue(),
        botLogin: "patchwright[bot]",
        router: rulesRouter,
        newRunId: () => "run-1",
        now: () => new Date("2026-12-03T12:00:00Z"),
        log: { info: () => undefined, warn: () => undefined },
      },
      repo: HOSTILE,
    });
    if (!("reply" in result)) throw new Error("buddy starts no run");
    expect(result.reply).not.toContain("@");
    // The drawing may hold `<` and `>`: inside its code block they are text.
    const prose = result.reply.replace(/```text\n[^`]*```/, "");
    expect(prose).not.toMatch(/[<>]/);
    expect(prose).not.toContain("](");
    // One fence opens the drawing and one closes it: the name adds none.
    expect(result.reply.match(/```/g)).toHaveLength(2);
    expect(result.reply).toContain(
      "`_admins/x___img_src_x_onerror_alert_1____link__https___evil.example_______octocat___--_--_`",
    );
  });
});
