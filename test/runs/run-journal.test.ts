import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createPatchwrightApp } from "../../src/app/app.js";
import { readMarker } from "../../src/runs/marker.js";
import { issueComment } from "../helpers/github-answers.js";
import { githubApi, mockInstallationToken, testProbot } from "../helpers/github-api.js";
import { tempDir } from "../helpers/temp-repo.js";
import { createAnthropicClient } from "../../src/agent/model/anthropic-client.js";

describe("a restarted App", () => {
  it("marks the tracking comments of runs it left under way as failed, saying why", async () => {
    const state = tempDir("pw-state-");
    mkdirSync(state, { recursive: true });
    writeFileSync(
      join(state, "runs.json"),
      JSON.stringify({
        runs: [
          {
            id: "run-9",
            owner: "o",
            name: "r",
            installationId: 42,
            trackingCommentId: 77,
            trigger: "issue_comment:5",
          },
        ],
      }),
    );
    mockInstallationToken();
    let body = "";
    githubApi()
      .patch("/repos/o/r/issues/comments/77", (b: { body: string }) => ((body = b.body), true))
      .reply(200, issueComment(77));
    const app = createPatchwrightApp({
      stateDir: state,
      model: createAnthropicClient({ apiKey: "unused", env: {} }),
      env: {},
    });
    await testProbot(app.appFn);
    // Waits for the App's start-up to edit the comment, however long a busy machine takes (the default
    // 1 s is a deadline, not a wait).
    await vi.waitFor(() => expect(body).toContain("the server restarted while this run was under way"), {
      timeout: 20_000,
    });
    expect(readMarker(body)).toEqual({ run: "run-9", trigger: "issue_comment:5" });
    expect(JSON.parse(readFileSync(join(state, "runs.json"), "utf8"))).toEqual({ runs: [] });
  });
});
