import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebRoutes } from "../../src/app/web/web-routes.js";
import { pageToken } from "../../src/runs/run-log/page-token.js";
import { RunStore } from "../../src/runs/run-log/run-store.js";
import { tempDir } from "../helpers/temp-repo.js";

const ADMIN = "admin-token-".padEnd(40, "z");
const KEY = Buffer.alloc(32, 9);

let server: Server | undefined;
let store: RunStore;
const cancelled: string[] = [];

async function serve(adminToken?: string): Promise<string> {
  nock.enableNetConnect("127.0.0.1");
  store = new RunStore(join(tempDir("pw-web-"), "runs.sqlite"), { retentionMs: 86_400_000 });
  store.create({
    id: "r1",
    repository: "o/r",
    thread: 3,
    threadKey: "o/r#3",
    kind: "implement",
    author: "a",
    instruction: "x",
  });
  const routes = createWebRoutes({
    store,
    pageKey: KEY,
    ...(adminToken ? { adminToken } : {}),
    queueCounts: () => Promise.resolve([{ queue: "runs", state: "waiting", count: 1 }]),
    cancel: (key) => (cancelled.push(key), Promise.resolve(true)),
    log: { warn: () => undefined },
  });
  server = createServer((req, res) => {
    void routes(req, res).then((handled) => handled || res.writeHead(404).end());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(() => (cancelled.length = 0));
afterEach(() => {
  server?.close();
  server?.closeAllConnections();
  store?.close();
});

describe("the dashboard's access", () => {
  it("is off, saying how to turn it on, without PATCHWRIGHT_ADMIN_TOKEN", async () => {
    const base = await serve();
    const res = await fetch(`${base}/dashboard.json`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Set PATCHWRIGHT_ADMIN_TOKEN");
  });

  it("answers the bearer token only, and its JSON links each run's page", async () => {
    const base = await serve(ADMIN);
    expect((await fetch(`${base}/dashboard.json`)).status).toBe(401);
    expect(
      (await fetch(`${base}/dashboard.json`, { headers: { authorization: `Bearer ${ADMIN}x` } })).status,
    ).toBe(401);
    const res = await fetch(`${base}/dashboard.json?kind=implement`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runs: { id: string; page: string }[]; queue: unknown[] };
    expect(body.runs.map((r) => r.id)).toEqual(["r1"]);
    expect(body.runs[0]!.page).toBe(`/runs/r1?t=${pageToken(KEY, "r1")}`);
    expect(body.queue).toHaveLength(1);
  });

  it("cancels through the queue only with the session cookie, the form's CSRF field and a same-origin request", async () => {
    const base = await serve(ADMIN);
    const login = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ token: ADMIN }),
    });
    expect(login.status).toBe(303);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect(setCookie).not.toContain(ADMIN);
    const cookie = setCookie.split(";")[0]!;
    const page = await (await fetch(`${base}/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const post = (headers: Record<string, string>, form: Record<string, string>) =>
      fetch(`${base}/runs/r1/cancel`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(form),
      });
    // Another site's form: the browser says so, and it has no CSRF field either.
    expect((await post({ cookie, "sec-fetch-site": "cross-site" }, { csrf })).status).toBe(403);
    expect((await post({ cookie, "sec-fetch-site": "same-origin" }, { csrf: "guess" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-origin" }, { csrf })).status).toBe(404);
    expect(cancelled).toEqual([]);
    expect((await post({ cookie, "sec-fetch-site": "same-origin" }, { csrf })).status).toBe(303);
    expect(cancelled).toEqual(["o/r#3"]);
  });
});

describe("a run's event stream", () => {
  it("is unbuffered Server-Sent Events from the entry asked for, ending when the run does", async () => {
    const base = await serve();
    store.started("r1", "Started");
    store.append("r1", { type: "turn", turn: 1 });
    const res = await fetch(`${base}/runs/r1/events?t=${pageToken(KEY, "r1")}&after=1`);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += Buffer.from(value).toString("utf8");
      }
    };
    await readUntil("Turn 1");
    expect(text).not.toContain("Started");
    store.finished("r1", { outcome: "answered", headline: "<b>done</b>", links: [], elapsedMs: 5 });
    await readUntil("event: end");
    expect(text).toContain('"title":"Finished: answered","body":"<b>done</b>"');
  });
});
