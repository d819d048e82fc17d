import { describe, expect, it } from "vitest";
import { countRevertedCommits } from "../../src/github/reverted-commits.js";
import type { PullRequestCommit } from "../../src/github/thread-discussion.js";

const BOT = "patchwright[bot]";
const OURS_SHA = "a".repeat(40);
const THEIRS_SHA = "b".repeat(40);
const BEFORE = new Date("2019-05-15T15:20:21Z");

/** A commit of patchwright's, as GitHub gives it: no user account behind an App bot's noreply address. */
const ours: PullRequestCommit = {
  oid: OURS_SHA,
  message: "Fix the off-by-one in pagination\n\nCo-authored-by: octocat <1+octocat@users.noreply.github.com>",
  authoredDate: "2019-05-15T15:10:00Z",
  author: { name: BOT, email: `4242+${BOT}@users.noreply.github.com`, user: null },
};
const theirs: PullRequestCommit = {
  oid: THEIRS_SHA,
  message: "Rename the page size option",
  authoredDate: "2019-05-15T15:11:00Z",
  author: { name: "Octo Cat", email: "octocat@example.com", user: { login: "octocat" } },
};
const revert = (sha: string, subject: string, o: Partial<PullRequestCommit> = {}): PullRequestCommit => ({
  oid: "c".repeat(40),
  message: `Revert "${subject}"\n\nThis reverts commit ${sha}.`,
  authoredDate: "2019-05-15T15:15:00Z",
  author: { name: "Octo Cat", email: "octocat@example.com", user: { login: "octocat" } },
  ...o,
});
const count = (...commits: PullRequestCommit[]): number => countRevertedCommits(commits, BOT, BEFORE);

describe("reverted commits of patchwright's", () => {
  it("counts a person's revert of a commit patchwright wrote", () => {
    expect(count(ours, theirs, revert(OURS_SHA, "Fix the off-by-one in pagination"))).toBe(1);
    expect(count(ours, revert(OURS_SHA.slice(0, 12), "Fix the off-by-one in pagination"))).toBe(1);
  });

  it("knows patchwright's commit by its subject when its sha changed or is out of reach", () => {
    expect(count(ours, revert("d".repeat(40), "Fix the off-by-one in pagination"))).toBe(1);
  });

  it("knows patchwright's commit by the noreply address without an id, or by the account", () => {
    const plain = { ...ours, author: { name: "x", email: `${BOT}@users.noreply.github.com`, user: null } };
    const account = { ...ours, author: { name: "x", email: null, user: { login: "Patchwright[bot]" } } };
    expect(count(plain, revert(OURS_SHA, "other"))).toBe(1);
    expect(count(account, revert(OURS_SHA, "other"))).toBe(1);
  });

  it("does not count a revert of someone else's commit", () => {
    expect(count(ours, theirs, revert(THEIRS_SHA, "Rename the page size option"))).toBe(0);
  });

  it("does not count a revert patchwright made, one after the request, or a message that only looks like one", () => {
    const byUs = revert(OURS_SHA, "Fix the off-by-one in pagination", { author: ours.author });
    const later = revert(OURS_SHA, "Fix the off-by-one in pagination", {
      authoredDate: "2019-05-15T15:30:00Z",
    });
    const noSha = {
      ...revert(OURS_SHA, "Fix the off-by-one in pagination"),
      message: 'Revert "Fix the off-by-one in pagination"',
    };
    const notRevert = {
      ...revert(OURS_SHA, "x"),
      message: `Undo pagination\n\nThis reverts commit ${OURS_SHA}.`,
    };
    expect(count(ours, byUs, later, noSha, notRevert)).toBe(0);
  });
});
