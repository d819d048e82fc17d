import nock from "nock";
import type { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import type { Outcome } from "../../src/runs/front-door/types.js";
import { githubApi, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { appInfo, issueComment } from "../helpers/github-answers.js";
import { API_REPO, configAndPermission, testModel } from "../helpers/run-world.js";
import { historySearches } from "../helpers/search-issues.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";

afterEach(() => void nock.cleanAll());

describe("buddy through the App", () => {
  it("searches patchwright's history once for two buddy calls in a row", async () => {
    const outcomes: Outcome[] = [];
    const now = new Date("2026-12-03T12:00:00Z");
    const patchwright = createPatchwrightApp({
      guardCheck: false,
      model: testModel(),
      stateDir: tempDir("pw-state-"),
      env: { PATH: process.env["PATH"] ?? "" },
      now: () => now,
      onOutcome: (_e, o) => outcomes.push(o),
    });
    const probot: Probot = await testProbot(patchwright.appFn);
    githubApi()
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }));
    mockInstallationToken();
    const payload: Record<string, unknown> = {
      ...webhookExample("issue_comment", (p) => p["action"] === "created"),
      installation: { id: 42, node_id: "x" },
    };
    const comment = payload["comment"] as { body: string; id: number };
    comment.body = "@patchwright buddy";
    const replies: string[] = [];
    const reply = () =>
      githubApi()
        .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => (replies.push(b.body), true))
        .reply(201, issueComment(90 + replies.length));

    configAndPermission("features:\n  buddy: true\n");
    historySearches("Codertocat/Hello-World", "app/patchwright", {
      opened: 4,
      merged: 3,
      closedUnmerged: 1,
      reviewed: 7,
    });
    reply();
    await probot.receive({ id: "d-1", name: "issue_comment", payload } as Parameters<Probot["receive"]>[0]);
    await patchwright.idle();

    comment.id += 1;
    configAndPermission("features:\n  buddy: true\n");
    reply();
    await probot.receive({ id: "d-2", name: "issue_comment", payload } as Parameters<Probot["receive"]>[0]);
    await patchwright.idle();

    expect(outcomes).toEqual([
      { status: "replied", reason: "buddy" },
      { status: "replied", reason: "buddy" },
    ]);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain("| 4 | 3 | 1 | 7 | 0 | 0 |");
    expect(replies[1]).toBe(replies[0]);
  });
});
