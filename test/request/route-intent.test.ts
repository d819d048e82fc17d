import { describe, expect, it } from "vitest";
import { routeByRules, rulesRouter } from "../../src/request/route-intent.js";

describe("routeByRules", () => {
  it.each([
    // Orders.
    "fix the typo in the README",
    "Add retries to the uploader",
    "bump lodash to 4.17.21",
    "Refactor the queue to use p-queue",
    "rename `getCfg` to `getConfig` everywhere",
    "Migrate the config loader to zod 4",
    "remove the deprecated --fast flag",
    "open a PR that drops Node 18",
    "please update the changelog",
    "Thanks! Also, fix the lint errors.",
    "- add a test\n- update the docs",
    // Polite requests are requests, question mark or not.
    "could you fix the flaky upload test?",
    "Can you add a test for parseIntent?",
    "Would you mind updating the docs?",
    "can we make the tests faster?",
    "How about adding a --dry-run flag?",
    "Why does the upload fail on large files? Please fix it.",
    "Explain how the cache works and then refactor it to use an LRU",
    "We need to update the lockfile",
    "Plan and implement the retry logic",
    "Write a plan for the migration, then implement it",
    // No question, no verb: a report is a request to fix.
    "The uploader crashes on empty files",
    "When the cache is full, evict the oldest entry",
    "Build fails on Windows",
  ])("implement: %j", (text) => {
    expect(routeByRules(text)).toBe("implement");
  });

  it.each([
    // Questions about code: a change verb that describes code is not a request.
    "Why does upload() remove the temp file?",
    "What does this function change?",
    "does it update the cache when the key is missing?",
    "How do I add a new provider?",
    "Where is the retry logic implemented?",
    "What's the purpose of `fixAll`?",
    "Which files write to /tmp?",
    "Who calls `removeItem`",
    "Is this thread-safe?",
    "explain the retry logic",
    "Can you explain why the cache uses LRU?",
    "why is the build broken",
    "The cache grows without bound. Is that expected?",
    "Update: the tests still fail on Windows. Why?",
    "Do we need to update the lockfile?",
    "Why can we not delete this file?",
    "Should we add caching here?",
    "is it possible to add a flag for that?",
    "what's wrong with the uploader?",
    "Why does this fail?\n```\n// TODO: fix this\nfixAll()\n```",
    // An acknowledgement gets a reply, never a run that changes code.
    "thanks!",
    "LGTM 👍",
    "Approved, thank you very much",
    "+1",
  ])("answer: %j", (text) => {
    expect(routeByRules(text)).toBe("answer");
  });

  it.each([
    "plan the migration to ESM",
    "Propose a fix for the race in the queue",
    "How would you split this module?",
    "how should we structure the plugin API?",
    "What would it take to support Bedrock?",
    "Make a plan to migrate the config loader",
    "outline the steps to drop Node 18",
    "Can you suggest an approach for caching the repo map?",
    "Don't change anything yet, just outline the steps",
    "give me a proposal for the new config format",
    "What's the best approach to speed up CI?",
    "Could you plan the refactor of the agent loop?",
    "What would you change here?",
  ])("plan: %j", (text) => {
    expect(routeByRules(text)).toBe("plan");
  });

  it("handles curly apostrophes", () => {
    expect(routeByRules("let\u2019s fix the cache")).toBe("implement");
  });
});

describe("rulesRouter", () => {
  it("routes by the rules", async () => {
    await expect(rulesRouter.route("fix it")).resolves.toBe("implement");
    await expect(rulesRouter.route("why?")).resolves.toBe("answer");
    await expect(rulesRouter.route("plan the refactor")).resolves.toBe("plan");
  });
});
