import { Octokit } from "@octokit/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import type { OctokitLike } from "../../src/github/octokit-like.js";
import { TrackingComment } from "../../src/runs/tracking-comment.js";

/** A real Octokit whose requests never leave: each comment body sent is recorded (or, failing, refused). */
function recorder(fail = false): OctokitLike & { bodies: string[] } {
  const bodies: string[] = [];
  const fetch = (_url: string | URL | Request, init?: RequestInit) => {
    // Octokit sends a JSON body as a string.
    const { body } = JSON.parse(init?.body as string) as { body: string };
    if (fail && !body.startsWith("final")) return Promise.reject(new Error("502"));
    bodies.push(body);
    return Promise.resolve(Response.json({ id: 1 }));
  };
  return Object.assign(new Octokit({ request: { fetch } }), { bodies });
}

// The comment's interval runs on fake timers: the test says how much time passes.
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const log = { warn: () => undefined };

describe("the tracking comment", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("edits at most once per interval with the latest progress, then writes the report last", async () => {
    const octokit = recorder();
    const t = new TrackingComment(octokit, { owner: "o", repo: "r" }, 5, GuardConfig.parse({}), log, 40);
    t.progress("p1");
    await wait(5);
    t.progress("p2");
    t.progress("p3");
    await wait(60);
    t.progress("p4");
    await t.finish("final");
    expect(octokit.bodies).toEqual(["p1", "p3", "final"]);
  });

  it("survives failed progress edits, and posts nothing without a comment", async () => {
    const failing = recorder(true);
    const t = new TrackingComment(failing, { owner: "o", repo: "r" }, 5, GuardConfig.parse({}), log, 0);
    t.progress("p1");
    await wait(5);
    await t.finish("final");
    expect(failing.bodies).toEqual(["final"]);
    const none = recorder();
    const quiet = new TrackingComment(
      none,
      { owner: "o", repo: "r" },
      undefined,
      GuardConfig.parse({}),
      log,
      0,
    );
    quiet.progress("p");
    await quiet.finish("final");
    expect(none.bodies).toEqual([]);
  });
});
