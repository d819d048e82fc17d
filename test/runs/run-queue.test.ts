import { describe, expect, it, vi } from "vitest";
import { RepoConfig } from "../../src/config/schema.js";
import type { RunKind, RunRequest } from "../../src/request/run-request.js";
import { InProcessRunQueue, threadKey } from "../../src/runs/run-queue.js";

function request(id: string, kind: RunKind, thread: number, repo = "r"): RunRequest {
  return {
    id,
    kind,
    repository: { owner: "o", name: repo, defaultBranch: "main", private: false },
    thread: { number: thread, isPullRequest: false },
    trigger: { event: "issue_comment", deliveryId: id, key: id, author: "a" },
    instruction: "",
    refs: { base: "main", fromFork: false },
    config: RepoConfig.parse({}),
    requestedAt: "2026-11-21T10:00:00Z",
  };
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("the in-process run queue", () => {
  it("runs one write run per repository at a time, says so, and lets reads and other repositories through", async () => {
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const waiting: string[] = [];
    const queue = new InProcessRunQueue(
      async (r) => {
        log.push(`start ${r.id}`);
        const g = gate();
        gates.set(r.id, g);
        await g.promise;
        log.push(`end ${r.id}`);
      },
      { error: () => undefined },
      { concurrency: 4, onWaiting: (r) => waiting.push(r.id) },
    );
    queue.add(request("w1", "implement", 1));
    queue.add(request("w2", "implement", 2));
    queue.add(request("read", "answer", 3));
    queue.add(request("other", "implement", 1, "elsewhere"));
    await vi.waitFor(() => expect([...log].sort()).toEqual(["start other", "start read", "start w1"]));
    expect(waiting).toEqual(["w2"]);
    gates.get("w1")!.open();
    await vi.waitFor(() => expect(log).toContain("start w2"));
    for (const g of gates.values()) g.open();
    await queue.onIdle();
    expect(log.filter((l) => l.startsWith("end"))).toHaveLength(4);
  });

  it("cancels a waiting run before it starts, and a running one through its signal", async () => {
    const started: string[] = [];
    const aborted: string[] = [];
    const queue = new InProcessRunQueue(
      (r, signal) =>
        new Promise<void>((resolve) => {
          started.push(r.id);
          signal.addEventListener("abort", () => (aborted.push(r.id), resolve()));
        }),
      { error: () => undefined },
      { concurrency: 2 },
    );
    const first = request("first", "implement", 1);
    const second = request("second", "implement", 2);
    queue.add(first);
    queue.add(second);
    await vi.waitFor(() => expect(started).toEqual(["first"]));
    expect(queue.cancel(threadKey(second))).toBe(true);
    expect(queue.cancel(threadKey(first))).toBe(true);
    await queue.onIdle();
    expect(started).toEqual(["first"]);
    expect(aborted).toEqual(["first"]);
    expect(queue.cancel(threadKey(first))).toBe(false);
  });
});
