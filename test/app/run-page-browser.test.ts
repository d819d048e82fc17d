import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import nock from "nock";
import type { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatchwrightApp, type PatchwrightApp } from "../../src/app/app.js";
import { createWebRoutes } from "../../src/app/web/web-routes.js";
import { createWebhookServer } from "../../src/app/webhook-server.js";
import { RunStore } from "../../src/runs/run-log/run-store.js";
import { SSE_HEADERS, streamedMessage } from "../helpers/anthropic-sse.js";
import { chromiumAvailable, launchChromium } from "../helpers/browser.js";
import { githubApi, testProbot } from "../helpers/github-api.js";
import { appInfo, githubUser, issueComment, reaction } from "../helpers/github-answers.js";
import {
  API_REPO,
  configAndPermission,
  PROJECT,
  startWorld,
  testModel,
  threadAnswer,
  toolUse,
  trackingEdits,
  type World,
} from "../helpers/run-world.js";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";

/**
 * Where the pages' screenshots go: docs/images when UPDATE_DOCS_IMAGES=1 (to refresh the docs' pictures),
 * else a temporary folder, so that running the tests leaves the checkout as it was.
 */
const screenshot = (name: string): string =>
  process.env["UPDATE_DOCS_IMAGES"] === "1" ? join("docs", "images", name) : join(tempDir("pw-shots-"), name);

// The run page and the dashboard in a real browser (Debian's chromium driven by playwright-core): a
// run followed live as the scripted model answers, its record once it ends, the dashboard listing it,
// hostile text shown as text, and every way of not holding the link answered with the same 404.

const TOKEN = "installation-token-browser";
const ADMIN = "admin-".padEnd(40, "x");
const DAY = 24 * 3600_000;
// Hostile text in the comment that asks and in a file a tool prints: it must render as text.
const XSS_COMMENT = `<img src=x onerror="window.pwned='comment'"><script>window.pwned='script'</script>`;
const XSS_FILE = `<script>window.pwned='tool'</script><img src=x onerror="window.pwned='tool-img'">\n`;

const available = chromiumAvailable();

/** A promise and the function that settles it: the test, not a timer, says when the model answers. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe.skipIf(!available)("the run page and the dashboard in a browser", () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let world: World;
  let server: Server;
  let base: string;
  let app: PatchwrightApp;
  let probot: Probot;
  const clock = { t: Date.now() };

  beforeAll(async () => {
    nock.enableNetConnect("127.0.0.1");
    browser = await launchChromium();
    world = await startWorld([TOKEN], { ...PROJECT, "notes.html": XSS_FILE });
    // The server listens first (the App needs its address); its pages are plugged in once the App exists.
    const web: { routes?: Parameters<typeof createWebhookServer>[0]["web"] } = {};
    server = createWebhookServer({
      secret: "unused-in-this-test",
      path: "/api/github/webhooks",
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      web: (req, res) => web.routes!(req, res),
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stateDir = tempDir("pw-state-");
    const runStore = new RunStore(join(stateDir, "runs.sqlite"), {
      retentionMs: 14 * DAY,
      now: () => clock.t,
    });
    app = createPatchwrightApp({
      model: testModel(),
      gitUrl: world.gitUrl,
      stateDir,
      runStore,
      publicUrl: base,
      env: { PATH: process.env["PATH"] ?? "" },
      progressIntervalMs: 0,
      newRunId: () => "run-live",
      guardCheck: false,
    });
    probot = await testProbot(app.appFn);
    web.routes = createWebRoutes({
      store: runStore,
      pageKey: app.pageKey,
      adminToken: ADMIN,
      queueCounts: () => Promise.resolve([]),
      cancel: (key) => app.cancel(key),
      log: { warn: () => undefined },
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop(0);
    server?.close();
    await world?.close();
  });

  let pageUrl = "";

  it("follows a run live as turns arrive, then shows its record; the dashboard lists it", async () => {
    const first = gate();
    const second = gate();
    const posted = gate();
    let trackingBody = "";
    githubApi()
      .get("/app")
      .reply(200, appInfo("patchwright", { id: 1 }))
      .post(/^\/app\/installations\/\d+\/access_tokens$/)
      .reply(201, () => ({ token: TOKEN, expires_at: new Date(Date.now() + 3600_000).toISOString() }));
    configAndPermission("")
      .get(`${API_REPO}/issues/1/comments`)
      .query(true)
      .reply(200, [])
      .post(/\/reactions$/)
      .reply(201, reaction("eyes", { id: 1 }))
      .post(`${API_REPO}/issues/1/comments`, (b: { body: string }) => ((trackingBody = b.body), true))
      .reply(201, () => (posted.open(), issueComment(900)));
    githubApi()
      .get(/^\/users\/patchwright(%5B|\[)bot(%5D|\])$/)
      .reply(200, githubUser("patchwright[bot]", { id: 4242, type: "Bot" }))
      .post("/graphql")
      .reply(200, threadAnswer({}));
    const edits = trackingEdits(900);
    // Each model turn waits for the test to open its gate: the page is watching before anything happens.
    nock("https://api.anthropic.com")
      .post("/v1/messages")
      .reply((_uri, _body, callback) => {
        void first.opened.then(() =>
          callback(null, [
            200,
            streamedMessage([
              { type: "text", text: "Reading the notes first." },
              toolUse("t1", "str_replace_based_edit_tool", { command: "view", path: "notes.html" }),
            ]),
            SSE_HEADERS,
          ]),
        );
      })
      .post("/v1/messages")
      .reply((_uri, _body, callback) => {
        void second.opened.then(() =>
          callback(null, [
            200,
            streamedMessage([{ type: "text", text: "It drops the last item." }]),
            SSE_HEADERS,
          ]),
        );
      });

    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    const comment = payload["comment"] as { body: string; id: number };
    comment.body = `@patchwright why does page() drop items ${XSS_COMMENT}?`;
    comment.id = 7001;
    (payload["issue"] as { pull_request?: unknown }).pull_request = undefined;
    await probot.receive({
      id: "d-browser",
      name: "issue_comment",
      payload: { ...payload, installation: { id: 42, node_id: "x" } },
    } as Parameters<Probot["receive"]>[0]);
    await posted.opened;

    // The tracking comment links to the run's page, token and all.
    const link = /\[follow the run\]\((http:\/\/127\.0\.0\.1:\d+\/runs\/run-live\?t=[\w-]{43})\)/.exec(
      trackingBody,
    );
    expect(link, trackingBody).not.toBeNull();
    pageUrl = link![1]!;

    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
    await page.locator("#live-status", { hasText: "live" }).waitFor();

    first.open();
    const result = page.locator("li.entry-tool_result");
    await result.waitFor();
    await expect.poll(() => result.textContent()).toContain(XSS_FILE.trim().slice(0, 40));
    // Turn 2 has begun and waits on the model: its words are not there yet.
    await page.locator("li.entry-turn", { hasText: "Turn 2" }).waitFor();
    expect(await page.locator("li.entry-text").allTextContents()).toEqual([
      expect.stringContaining("Reading the notes first."),
    ]);

    second.open();
    await page.locator("text=The run has ended").waitFor();
    expect(await page.locator("li.entry-turn").count()).toBe(2);
    expect(await page.locator("li.entry-text").last().textContent()).toContain("It drops the last item.");
    expect(await page.locator("li.entry-report").textContent()).toContain("answered");
    // Both payloads are on the page as text, and none of them ran.
    expect(await page.locator("main pre").first().textContent()).toContain(XSS_COMMENT);
    expect(await page.locator("li.entry-tool_result pre").textContent()).toContain(XSS_FILE.trim());
    expect(await page.evaluate(() => (globalThis as { pwned?: string }).pwned)).toBeUndefined();
    expect(await page.locator("main img, main script").count()).toBe(0);
    await page.screenshot({ path: screenshot("run-page.png"), fullPage: true });

    await app.idle();
    expect(edits.at(-1)).toContain(`[run page](${pageUrl})`);

    // The dashboard: the login form sets the session cookie, and the run is listed.
    const dashboard = await browser.context.newPage();
    expect((await dashboard.goto(`${base}/`))?.status()).toBe(401);
    await dashboard.fill("input[name=token]", ADMIN);
    await dashboard.click("button");
    const row = dashboard.locator('tr[data-run="run-live"]');
    await row.waitFor();
    expect(await row.textContent()).toContain("answered");
    expect(await dashboard.locator("svg.chart").count()).toBe(1);
    await dashboard.screenshot({ path: screenshot("dashboard.png"), fullPage: true });
    expect(violations).toEqual([]);
  }, 120_000);

  it("answers a wrong, cut or expired token with the same 404 as an unknown run", async () => {
    const page = await browser.context.newPage();
    const visit = async (url: string): Promise<[number | undefined, string]> => {
      const response = await page.goto(url);
      return [response?.status(), await page.content()];
    };
    const unknown = await visit(`${base}/runs/no-such-run?t=${"A".repeat(43)}`);
    expect(unknown[0]).toBe(404);
    const token = new URL(pageUrl).searchParams.get("t")!;
    const wrong = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await visit(`${base}/runs/run-live?t=${wrong}`)).toEqual(unknown);
    expect(await visit(`${base}/runs/run-live?t=${token.slice(0, 22)}`)).toEqual(unknown);
    expect(await visit(`${base}/runs/run-live`)).toEqual(unknown);
    expect(await visit(`${base}/runs/run-live/events?t=${wrong}`)).toEqual(unknown);
    expect((await visit(pageUrl))[0]).toBe(200);
    // Past the retention the page is gone, before any prune runs.
    clock.t += 15 * DAY;
    expect(await visit(pageUrl)).toEqual(unknown);
  }, 60_000);
});
