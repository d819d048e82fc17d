import { buddyReply } from "../../src/runs/buddy/buddy-reply.js";
import { helpBody } from "../../src/runs/messages.js";
import { describe, expect, it } from "vitest";
import type { Candidate } from "../../src/request/classify-event.js";
import { rulesRouter } from "../../src/request/route-intent.js";
import { RepoConfig } from "../../src/config/schema.js";
import type { PatchwrightHistory } from "../../src/github/patchwright-history.js";
import { companionFor } from "../../src/runs/buddy/companion.js";
import { HistoryCache } from "../../src/runs/buddy/history-cache.js";
import { moodOf } from "../../src/runs/buddy/mood.js";
import { COMMANDS } from "../../src/runs/front-door/commands.js";
import type { FrontDoorDeps } from "../../src/runs/front-door/types.js";
import { githubApi, testOctokit } from "../helpers/github-api.js";
import { recordingQueue } from "../helpers/recording-queue.js";
import { historySearches, pullSearches, reviewsSearch } from "../helpers/search-issues.js";

const NOW = new Date("2026-12-03T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const MENTION: Extract<Candidate, { type: "mention" }> = {
  type: "mention",
  repository: undefined,
  installationId: undefined,
  sender: undefined,
  body: "@patchwright buddy",
  comment: { id: 1, kind: "issue_comment", createdAt: NOW.toISOString() },
  author: { login: "octocat" },
  thread: { number: 3, isPullRequest: false },
  pullRequest: undefined,
};

function deps(over: Partial<FrontDoorDeps> & { clock?: { now: Date } } = {}): FrontDoorDeps {
  const { clock, ...rest } = over;
  return {
    octokit: testOctokit(),
    queue: recordingQueue(),
    botLogin: "patchwright[bot]",
    router: rulesRouter,
    newRunId: () => "run-1",
    now: () => clock?.now ?? NOW,
    log: { info: () => undefined, warn: () => undefined },
    ...rest,
  };
}

async function buddy(d: FrontDoorDeps, buddyOn = true, repo = { owner: "octo", repo: "garden" }) {
  const config = RepoConfig.parse({ features: { buddy: buddyOn } });
  const result = await COMMANDS.buddy({ mention: MENTION, config, deps: d, repo });
  if (!("reply" in result)) throw new Error("buddy starts no run");
  return result;
}

function history(recent: PatchwrightHistory["recent"]): PatchwrightHistory {
  return { opened: recent.length, merged: 0, closedUnmerged: 0, recent };
}

describe("the buddy's identity", () => {
  it("is the same for the same repository, every time", () => {
    expect(companionFor("octo/garden")).toEqual(companionFor("octo/garden"));
  });

  it("differs between repositories", () => {
    const seen = new Set(
      Array.from({ length: 20 }, (_, i) => JSON.stringify(companionFor(`octo/repo-${i}`))),
    );
    expect(seen.size).toBeGreaterThan(15);
    const species = new Set(Array.from({ length: 50 }, (_, i) => companionFor(`o/r${i}`).species));
    expect(species.size).toBeGreaterThan(3);
  });

  it("has two different traits and a drawing of 3 to 6 lines without backticks", () => {
    for (let i = 0; i < 50; i++) {
      const c = companionFor(`o/r${i}`);
      expect(c.traits[0]).not.toBe(c.traits[1]);
      expect(c.art.length).toBeGreaterThanOrEqual(3);
      expect(c.art.length).toBeLessThanOrEqual(6);
      expect(c.art.join("\n")).not.toMatch(/[`@]/);
    }
  });
});

describe("the buddy's mood", () => {
  it("is happy after recent merges", () => {
    expect(moodOf(history([{ number: 2, updatedAt: daysAgo(2), outcome: "merged" }]), NOW)).toBe("happy");
  });

  it("is worried when recent pull requests were closed unmerged more than merged", () => {
    const recent = history([
      { number: 3, updatedAt: daysAgo(1), outcome: "closed" },
      { number: 2, updatedAt: daysAgo(3), outcome: "closed" },
      { number: 1, updatedAt: daysAgo(5), outcome: "merged" },
    ]);
    expect(moodOf(recent, NOW)).toBe("worried");
  });

  it("is busy with only open pull requests", () => {
    expect(moodOf(history([{ number: 2, updatedAt: daysAgo(1), outcome: "open" }]), NOW)).toBe("busy");
  });

  it("is sleepy when nothing happened in 30 days, or ever", () => {
    expect(moodOf(history([{ number: 2, updatedAt: daysAgo(31), outcome: "merged" }]), NOW)).toBe("sleepy");
    expect(moodOf(history([]), NOW)).toBe("sleepy");
  });
});

describe("@patchwright buddy", () => {
  it("says how to switch it on when features.buddy is off, asking GitHub nothing", async () => {
    expect(await buddy(deps(), false)).toEqual({
      reply: "`buddy` is off: set `features.buddy: true` in `.github/patchwright.yml` to meet it.",
      reason: "buddy",
    });
  });

  it("shows the repository's buddy with patchwright's stats there", async () => {
    historySearches("octo/garden", "app/patchwright", {
      opened: 12,
      merged: 9,
      closedUnmerged: 2,
      reviewed: 30,
      reviewComments: 41,
      blocked: 2,
      withheld: 1,
      recent: [{ number: 12, updatedAt: daysAgo(1), outcome: "merged" }],
    });
    const { reply, reason } = await buddy(deps());
    const c = companionFor("octo/garden");
    expect(reason).toBe("buddy");
    expect(reply).toContain(`**${c.name}** the ${c.species} lives in \`octo/garden\``);
    expect(reply).toContain(["```text", ...c.art, "```"].join("\n"));
    expect(reply).toContain("Mood: happy");
    expect(reply).toContain(
      "| pull requests opened | merged | closed unmerged | pull requests reviewed | review comments | guard blocks |",
    );
    expect(reply).toContain("| 12 | 9 | 2 | 30 | 41 | 3 |");
    expect(reply).not.toContain("unavailable");
  });

  it("changes mood with the history", async () => {
    historySearches("octo/garden", "app/patchwright", {
      opened: 3,
      merged: 0,
      closedUnmerged: 1,
      reviewed: 0,
      recent: [{ number: 3, updatedAt: daysAgo(1), outcome: "closed" }],
    });
    expect((await buddy(deps())).reply).toContain("Mood: worried");
    historySearches("octo/garden", "app/patchwright", {
      opened: 0,
      merged: 0,
      closedUnmerged: 0,
      reviewed: 0,
    });
    expect((await buddy(deps())).reply).toContain("Mood: sleepy");
  });

  it("asks GitHub once in 10 minutes with a cache, and again after", async () => {
    const clock = { now: NOW };
    const d = deps({ clock, buddyHistory: new HistoryCache() });
    historySearches("octo/garden", "app/patchwright", {
      opened: 1,
      merged: 1,
      closedUnmerged: 0,
      reviewed: 0,
    });
    const first = await buddy(d);
    clock.now = new Date(NOW.getTime() + 9 * 60 * 1000);
    expect(await buddy(d)).toEqual(first);
    clock.now = new Date(NOW.getTime() + 10 * 60 * 1000);
    historySearches("octo/garden", "app/patchwright", {
      opened: 2,
      merged: 2,
      closedUnmerged: 0,
      reviewed: 0,
    });
    expect((await buddy(d)).reply).toContain("| 2 | 2 | 0 | 0 | 0 | 0 |");
  });

  it("asks every time without a cache", async () => {
    historySearches("octo/garden", "app/patchwright", {
      opened: 1,
      merged: 1,
      closedUnmerged: 0,
      reviewed: 0,
    });
    historySearches("octo/garden", "app/patchwright", {
      opened: 1,
      merged: 1,
      closedUnmerged: 0,
      reviewed: 0,
    });
    const first = await buddy(deps());
    const second = await buddy(deps());
    expect([first.reply, second.reply].map((r) => r.includes("| 1 | 1 | 0 | 0 | 0 | 0 |"))).toEqual([
      true,
      true,
    ]);
  });

  it("keeps the buddy and leaves the stats out when GitHub does not answer, without caching the failure", async () => {
    const warnings: string[] = [];
    const d = deps({
      buddyHistory: new HistoryCache(),
      log: { info: () => undefined, warn: (m) => void warnings.push(m) },
    });
    searchesFail();
    reviewsFail();
    const { reply } = await buddy(d);
    expect(reply).toContain(`**${companionFor("octo/garden").name}**`);
    expect(reply).toContain("no stats this time");
    expect(reply).not.toContain("|");
    expect(warnings).toHaveLength(2);
    historySearches("octo/garden", "app/patchwright", {
      opened: 1,
      merged: 1,
      closedUnmerged: 0,
    });
    expect((await buddy(d)).reply).toContain("| 1 | 1 | 0 | 0 | 0 | 0 |");
  });

  it("shows the pull requests and says reviews and guard blocks are unavailable when GraphQL fails", async () => {
    const warnings: string[] = [];
    const d = deps({
      buddyHistory: new HistoryCache(),
      log: { info: () => undefined, warn: (m) => void warnings.push(m) },
    });
    pullSearches("octo/garden", "app/patchwright", {
      opened: 5,
      merged: 4,
      closedUnmerged: 1,
      recent: [{ number: 5, updatedAt: daysAgo(2), outcome: "merged" }],
    });
    reviewsFail();
    const { reply } = await buddy(d);
    expect(reply).toContain("Mood: happy");
    expect(reply).toContain("| 5 | 4 | 1 | unavailable | unavailable | unavailable |");
    expect(reply).toContain("Where a stat is unavailable, GitHub did not answer this time.");
    expect(warnings).toEqual(["could not read patchwright's reviews and guard blocks for buddy"]);
    // A reply with a stat missing is not kept: the next call asks again, and gets all of them.
    historySearches("octo/garden", "app/patchwright", {
      opened: 5,
      merged: 4,
      closedUnmerged: 1,
      reviewed: 2,
      reviewComments: 6,
      blocked: 1,
    });
    expect((await buddy(d)).reply).toContain("| 5 | 4 | 1 | 2 | 6 | 1 |");
  });

  it("shows reviews and guard blocks, without a mood, when the pull request searches fail", async () => {
    searchesFail();
    reviewsSearch("octo/garden", "app/patchwright", {
      reviewed: 1,
      pulls: [{ reviews: [{ author: { __typename: "Bot", login: "patchwright" }, comments: 3 }] }],
      withheld: 2,
    });
    const { reply } = await buddy(deps());
    expect(reply).toContain("Mood: unknown");
    expect(reply).toContain("| unavailable | unavailable | unavailable | 1 | 3 | 2 |");
  });

  it("says a review comment count is a floor when it read only the latest reviewed pull requests", async () => {
    pullSearches("octo/garden", "app/patchwright", { opened: 0, merged: 0, closedUnmerged: 0 });
    const bot = { __typename: "Bot", login: "patchwright" } as const;
    reviewsSearch("octo/garden", "app/patchwright", {
      reviewed: 80,
      pulls: Array(50).fill({ reviews: [{ author: bot, comments: 1 }] }),
    });
    const { reply } = await buddy(deps());
    expect(reply).toContain("| 0 | 0 | 0 | 80 | at least 50 | 0 |");
    expect(reply).toContain(
      "Review comments are counted on the 50 pull requests patchwright reviewed that were updated last, in the last 50 reviews of each.",
    );
  });
});

/** Each of the three pull request searches answered with the rate limit. */
function searchesFail(): void {
  githubApi()
    .get("/search/issues")
    .query(true)
    .times(3)
    .reply(403, { message: "API rate limit exceeded", documentation_url: "https://docs.github.com" });
}

/** The GraphQL request answered with GitHub's rate limit error. */
function reviewsFail(): void {
  githubApi()
    .post("/graphql")
    .reply(200, {
      errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 42." }],
    });
}

describe("help", () => {
  it("lists buddy only where it is switched on", () => {
    const on = helpBody(RepoConfig.parse({ features: { buddy: true } }));
    const off = helpBody(RepoConfig.parse({}));
    expect([on.includes("@patchwright buddy"), off.includes("buddy")]).toEqual([true, false]);
  });
});

describe("a renamed repository", () => {
  it("keeps its buddy: the seed is the repository's id when the payload has it", async () => {
    const meet = async (repositoryId: number, owner: string, name: string) => {
      historySearches(`${owner}/${name}`, "app/patchwright", {
        opened: 0,
        merged: 0,
        closedUnmerged: 0,
        reviewed: 0,
      });
      const reply = await buddyReply({
        octokit: testOctokit(),
        repo: { owner, repo: name },
        repositoryId,
        botLogin: "patchwright[bot]",
        now: new Date("2026-12-01T00:00:00Z"),
        log: { warn: () => undefined },
      });
      return reply.split(" lives in ")[0];
    };
    expect(await meet(1296269, "octocat", "Hello-World")).toBe(await meet(1296269, "octo-org", "renamed"));
  });
});
