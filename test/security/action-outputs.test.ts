// The Action's job summary, outputs, annotations and log lines are outbound text: on a public repository
// anyone can read a workflow run's page. A model that writes a secret into its answer (read from a file,
// or its own key) must not get it there any more than into a comment. The Action runs here as GitHub runs
// it: the bundle built from the current sources, in its own process, with GITHUB_STEP_SUMMARY and
// GITHUB_OUTPUT pointing at files; its GitHub and model requests go through a loopback relay to the same
// checked stubs as every other test (helpers/api-relay.ts).
import { mentionOnIssue } from "../helpers/action-world.js";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { GuardedOutput, jobGuard, type ActionWriter } from "../../src/action/guarded-output.js";
import { startApiRelay, type ApiRelay } from "../helpers/api-relay.js";
import { modelTurns, startWorld, threadAnswer, trackingEdits, type World } from "../helpers/run-world.js";
import { git, tempDir } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";
import { webhookExample } from "../helpers/webhook-examples.js";
import { githubUser } from "../helpers/github-answers.js";
// @ts-expect-error -- a plain .mjs build script without types
import { BUNDLE_OPTIONS } from "../../scripts/bundle-action.mjs";

const ROOT = join(import.meta.dirname, "../..");
const TOKEN = "workflow-token";

let world: World | undefined;
let relay: ApiRelay | undefined;
afterEach(async () => {
  await world?.close();
  await relay?.close();
  world = relay = undefined;
});

/** The Action as GitHub runs it, built from the sources as they are now (not the committed bundle). */
async function buildAction(): Promise<string> {
  const out = join(tempDir("pw-bundle-"), "action.js");
  await build({ ...(BUNDLE_OPTIONS as object), outfile: out, absWorkingDir: ROOT });
  return out;
}

/** Every trace of `value` a reader could use: itself, and any 12 characters of it in a row. */
function traces(value: string): string[] {
  const pieces = [value];
  for (let i = 0; i + 12 <= value.length; i += 6) pieces.push(value.slice(i, i + 12));
  return pieces;
}

describe("the Action's own output", () => {
  it("keeps a secret in the model's answer out of the job summary, the outputs and the log", async () => {
    const rand = prng(612);
    // One a rule knows by its format, one only its value gives away: the job's own model key.
    const leaked = githubToken(rand);
    const modelKey = `mk-${rand(28)}`;

    world = await startWorld([TOKEN]);
    relay = await startApiRelay();
    const action = await buildAction();
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = "@patchwright how does the CI deploy?";
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    const dir = tempDir("pw-job-");
    const eventPath = join(dir, "event.json");
    const summaryPath = join(dir, "summary.md");
    const outputPath = join(dir, "output");
    writeFileSync(eventPath, JSON.stringify(payload));
    writeFileSync(summaryPath, "");
    writeFileSync(outputPath, "");
    const workspace = tempDir("pw-checkout-");
    git(workspace, ["clone", "-q", world.remote, "."]);

    mentionOnIssue(3)
      .get(/^\/users\/github-actions(%5B|\[)bot(%5D|\])$/)
      .reply(200, githubUser("github-actions[bot]", { id: 41898282, type: "Bot" }))
      .post("/graphql")
      .reply(200, threadAnswer({}));
    const comments = trackingEdits(3);
    modelTurns([
      [
        {
          type: "text",
          text: `It deploys with \`${leaked}\`, found in .env, and calls the model with ${modelKey}.`,
        },
      ],
    ]);

    const { stdout } = await promisify(execFile)(process.execPath, [action], {
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: tempDir("pw-home-"),
        GITHUB_EVENT_NAME: "issue_comment",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_STEP_SUMMARY: summaryPath,
        GITHUB_OUTPUT: outputPath,
        GITHUB_REPOSITORY: "Codertocat/Hello-World",
        GITHUB_SERVER_URL: world.server.url,
        GITHUB_API_URL: relay.githubUrl,
        GITHUB_RUN_ID: "77",
        GITHUB_REF_NAME: "master",
        GITHUB_WORKSPACE: workspace,
        INPUT_MODE: "agent",
        INPUT_GITHUB_TOKEN: TOKEN,
        INPUT_ANTHROPIC_API_KEY: modelKey,
        ANTHROPIC_BASE_URL: relay.anthropicUrl,
      },
    });
    expect(relay.failures).toEqual([]);

    const summary = readFileSync(summaryPath, "utf8");
    const outputs = readFileSync(outputPath, "utf8");
    // The runner hides what `::add-mask::` names in the log it shows; that line itself is how it learns it.
    const log = stdout
      .split("\n")
      .filter((line) => !line.startsWith("::add-mask::"))
      .join("\n");
    expect(outputs).toMatch(/conclusion<<.*\nanswered\n/);
    // Withheld, naming the rules that found them: the token's format, and the model key by its value.
    expect(summary).toContain("withheld");
    expect(summary).toContain("`github-pat-classic`");
    expect(summary).toContain("`known-secret`");
    for (const text of [summary, outputs, log, comments.join("\n")]) {
      for (const trace of [...traces(leaked), ...traces(modelKey)]) expect(text).not.toContain(trace);
    }
  });

  it("guards every way out: log lines, annotations and their titles, outputs, failures and the summary", async () => {
    const rand = prng(613);
    const leaked = githubToken(rand);
    const jobKey = `mk-${rand(28)}`;
    const written: string[] = [];
    const record =
      (what: string) =>
      (...args: unknown[]): void =>
        void written.push(`${what}: ${JSON.stringify(args)}`);
    const raw: ActionWriter = {
      info: record("info"),
      warning: record("warning"),
      error: record("error"),
      notice: record("notice"),
      setOutput: record("output"),
      setFailed: record("failed"),
      summary: (markdown) => Promise.resolve(record("summary")(markdown)),
    };
    const out = new GuardedOutput(raw, jobGuard("Project Nightjar", [jobKey]));
    const texts = [`token ${leaked}`, `key ${jobKey}`, "codename project nightjar"];
    for (const text of texts) {
      out.info(text);
      out.warning(text);
      out.notice(text);
      out.error(text, { title: text, file: `src/${text}.ts`, startLine: 3 });
      out.setOutput("answer", text);
      out.setFailed(text);
      await out.summary(text);
    }
    expect(written).toHaveLength(texts.length * 7);
    const all = written.join("\n");
    for (const trace of [...traces(leaked), ...traces(jobKey)]) expect(all).not.toContain(trace);
    expect(all.toLowerCase()).not.toContain("nightjar");
    // The annotation keeps its title as a notice, and loses a place whose path would leak.
    expect(written.filter((w) => w.startsWith("error:")).join("\n")).not.toMatch(/"file"|"startLine"/);

    // Clean text passes untouched; the run's own config, once given, is the one used.
    out.use(jobGuard("", []));
    out.notice("codename project nightjar");
    out.error("tests failed", { title: "patchwright", file: "src/page.js", startLine: 3 });
    expect(written.slice(-2)).toEqual([
      'notice: ["codename project nightjar"]',
      'error: ["tests failed",{"title":"patchwright","file":"src/page.js","startLine":3}]',
    ]);
  });
});
