// The checks dreaming puts on the model's proposal, on a real memory branch in a temporary repository;
// the model's answer is injected (`ask`), the end-to-end tests stub it at HTTP instead.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { consolidateNotes } from "../../src/maintenance/consolidate-notes.js";
import { askForPlan, type DreamPlan } from "../../src/maintenance/dream-plan.js";
import { treePaths } from "../../src/maintenance/dream-paths.js";
import { BranchMemoryStore } from "../../src/memory/memory-store.js";
import { SSE_HEADERS, streamedMessage } from "../helpers/anthropic-sse.js";
import { testModel } from "../helpers/run-world.js";
import { tempRepo } from "../helpers/temp-repo.js";

const AUTHOR = { name: "patchwright", email: "patchwright@example.com" };
const guard = GuardConfig.parse({});
const USAGE = { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

async function storeWith(notes: Record<string, string>): Promise<BranchMemoryStore> {
  const repo = tempRepo();
  const first = new BranchMemoryStore({ repoDir: repo, guard });
  for (const [path, text] of Object.entries(notes)) await first.write(path, text);
  await first.commit("notes", AUTHOR);
  return new BranchMemoryStore({ repoDir: repo, guard });
}

const run = (store: BranchMemoryStore, plan: DreamPlan, changedAt: Record<string, string> = {}) =>
  consolidateNotes({
    store,
    tree: treePaths(["src/app.ts"]),
    changedAt: new Map(Object.entries(changedAt)),
    defaultBranch: "main",
    ask: () => Promise.resolve({ plan, usage: USAGE }),
  });

describe("consolidating the memory notes", () => {
  it("applies no proposal naming a note it did not show, merging a note into itself, or touching one twice", async () => {
    const store = await storeWith({ "a.md": "A\n", "b.md": "B\n", "c.md": "C\n" });
    const result = await run(store, {
      merges: [
        { into: "a.md", from: ["ghost.md"], text: "x", why: "w" },
        { into: "a.md", from: ["a.md"], text: "x", why: "w" },
        { into: "a.md", from: ["b.md"], text: "A and B", why: "same" },
        { into: "c.md", from: ["b.md"], text: "x", why: "w" },
      ],
      removals: [],
    });
    expect(result.changelog).toEqual(["merged `b.md` into `a.md`: same"]);
    expect(result.notes).toEqual([
      "The model's proposal to merge `ghost.md` into `a.md` was not applied: `ghost.md` is not a note it was shown.",
      "The model's proposal to merge `a.md` into `a.md` was not applied: a note cannot be merged into itself.",
      "The model's proposal to merge `b.md` into `c.md` was not applied: a note it names was already changed this run.",
    ]);
    expect(await store.read("a.md")).toBe("A and B\n");
    expect(await store.pendingPaths()).toEqual(["a.md", "b.md"]);
  });

  it("removes a contradicted note only for a newer one, and never the one it keeps", async () => {
    const store = await storeWith({ "old.md": "tabs\n", "new.md": "spaces\n" });
    const when = { "old.md": "2026-01-01T00:00:00Z", "new.md": "2026-02-01T00:00:00Z" };
    const backwards = await run(
      store,
      { merges: [], removals: [{ path: "new.md", supersededBy: "old.md", why: "w" }] },
      when,
    );
    expect(backwards.changelog).toEqual([]);
    expect(backwards.notes[0]).toContain("`old.md` did not change after `new.md`");
    const right = await run(
      store,
      { merges: [], removals: [{ path: "old.md", supersededBy: "new.md", why: "spaces now" }] },
      when,
    );
    expect(right.changelog).toEqual(["removed `old.md`: contradicted by the newer `new.md`: spaces now"]);
  });

  it("does not ask the model about a single note, and removes one naming only deleted paths", async () => {
    const store = await storeWith({ "gone.md": "See `lib/x.js`.\n", "kept.md": "See `src/app.ts`.\n" });
    const result = await consolidateNotes({
      store,
      tree: treePaths(["src/app.ts"]),
      changedAt: new Map(),
      defaultBranch: "main",
      ask: () => Promise.reject(new Error("the model must not be asked")),
    });
    expect(result.changelog).toEqual(["removed `gone.md`: it names `lib/x.js`, which `main` no longer has"]);
    expect(result.usage).toBeUndefined();
  });
});

describe("the model's plan", () => {
  it("is empty, with the reason, when the model answers without the tool", async () => {
    nock("https://api.anthropic.com")
      .post("/v1/messages")
      .reply(200, streamedMessage([{ type: "text", text: "Merge them all." }]), SSE_HEADERS);
    const answer = await askForPlan(testModel(), {
      model: "claude-sonnet-4-6",
      notes: [{ path: "a.md", changed: "2026-01-01T00:00:00Z", text: "A", gone: [] }],
      maxNotes: 50,
    });
    expect(answer.plan).toEqual({ merges: [], removals: [] });
    expect(answer.problem).toBe("the model did not answer with report_consolidation");
  });
});
