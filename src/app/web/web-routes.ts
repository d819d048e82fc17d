import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { RunKind } from "../../request/run-request.js";
import type { QueueCount } from "../../runs/queue/durable-queue.js";
import { RUN_OUTCOMES } from "../../runs/metrics.js";
import { pageToken, pageTokenMatches } from "../../runs/run-log/page-token.js";
import { RunState, type RunFilter, type RunStore } from "../../runs/run-log/run-store.js";
import { CSS, RUN_PAGE_JS } from "./assets.js";
import { renderDashboard, type DashboardData } from "./dashboard.js";
import { esc, layout, NOT_FOUND_HTML, securityHeaders, sendHtml, sendJson } from "./html.js";
import { entryMessage, isLive, renderRunPage } from "./run-page.js";

export interface WebRoutesOptions {
  store: RunStore;
  /** The key page tokens are made with (page-token.ts). */
  pageKey: Uint8Array;
  /** PATCHWRIGHT_ADMIN_TOKEN: without it the dashboard is off. */
  adminToken?: string;
  /** The queue's counts, and its cancel (by thread). */
  queueCounts: () => Promise<QueueCount[]>;
  cancel: (threadKey: string) => Promise<boolean>;
  /** Whether the pages are reached over https (the session cookie is then `Secure`). */
  secureCookies?: boolean;
  /** How often a stream looks for entries written by other processes; default 500 ms. */
  pollMs?: number;
  /** Streams open at once in this process, at most; default 200. */
  maxStreams?: number;
  log: { warn(fields: Record<string, unknown>, message: string): void };
}

const RUN_ID = /^[\w.-]{1,128}$/;
const COOKIE = "patchwright_admin";
const HEARTBEAT_MS = 15_000;

/**
 * The App's pages: `/runs/<id>?t=<token>` (a run's page and its event stream) for whoever holds the
 * tracking comment's link, and the operator's dashboard at `/` behind PATCHWRIGHT_ADMIN_TOKEN. Returns
 * false for any other path, so the webhook server answers it.
 */
export function createWebRoutes(
  options: WebRoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const admin = options.adminToken ? adminAuth(options.adminToken) : undefined;
  let streams = 0;

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/assets/run-page.js") return asset(res, "text/javascript", RUN_PAGE_JS);
    if (method === "GET" && path === "/assets/patchwright.css") return asset(res, "text/css", CSS);

    const run = /^\/runs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    if (run) {
      const id = safeDecode(run[1]!);
      if (run[2] === "/cancel") return method === "POST" ? cancelRun(req, res, id) : notFound(res);
      if (method !== "GET") return notFound(res);
      const record =
        id !== undefined && RUN_ID.test(id) ? pageRun(id, url.searchParams.get("t") ?? "") : undefined;
      if (!record) return notFound(res);
      if (run[2] === "/events") return stream(req, res, record.id, url);
      sendHtml(res, 200, renderRunPage(record, options.store.entriesAfter(record.id, 0, 5000)));
      return true;
    }
    if (path === "/" || path === "/dashboard.json" || path === "/login" || path === "/logout")
      return dashboardRoutes(req, res, url, method);
    return false;
  };

  /** The run, when `token` opens its page; unknown, expired and wrong all give undefined. */
  function pageRun(id: string, token: string) {
    const matches = pageTokenMatches(options.pageKey, id, token);
    const record = options.store.get(id);
    return matches ? record : undefined;
  }

  function notFound(res: ServerResponse): true {
    sendHtml(res, 404, NOT_FOUND_HTML);
    return true;
  }

  /** Server-Sent Events: the entries after the last one the page has, then each new one, then `end`. */
  function stream(req: IncomingMessage, res: ServerResponse, id: string, url: URL): true {
    if (streams >= (options.maxStreams ?? 200)) {
      res
        .writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "10" })
        .end("too many open run pages\n");
      return true;
    }
    streams += 1;
    const lastEventId = Number(req.headers["last-event-id"]);
    let after = Number.isSafeInteger(lastEventId)
      ? lastEventId
      : Math.max(0, Number(url.searchParams.get("after")) || 0);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      ...securityHeaders(),
      connection: "keep-alive",
      // nginx buffers responses unless told not to; a buffered stream shows nothing until it ends.
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    let closed = false;
    const flush = (): void => {
      if (closed) return;
      try {
        for (;;) {
          const batch = options.store.entriesAfter(id, after, 200);
          for (const e of batch) {
            res.write(`id: ${e.seq}\nevent: entry\ndata: ${JSON.stringify(entryMessage(e))}\n\n`);
            after = e.seq;
          }
          if (batch.length < 200) break;
        }
        const record = options.store.get(id);
        if (!record || !isLive(record)) {
          res.write("event: end\ndata: {}\n\n");
          close();
          res.end();
        }
      } catch (err) {
        options.log.warn({ run: id, error: (err as Error)?.message }, "could not stream a run's timeline");
        close();
        res.end();
      }
    };
    const onEntry = (run: string): void => {
      if (run === id) flush();
    };
    // Entries written by this process arrive at once; those of worker processes by polling.
    options.store.appended.on("entry", onEntry);
    const poll = setInterval(flush, options.pollMs ?? 500);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    poll.unref();
    heartbeat.unref();
    function close(): void {
      if (closed) return;
      closed = true;
      streams -= 1;
      clearInterval(poll);
      clearInterval(heartbeat);
      options.store.appended.off("entry", onEntry);
    }
    res.on("close", close);
    flush();
    return true;
  }

  async function dashboardRoutes(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
  ): Promise<true> {
    if (!admin) {
      sendHtml(
        res,
        404,
        layout(
          "Dashboard off",
          "<main><h1>The dashboard is off</h1><p>Set PATCHWRIGHT_ADMIN_TOKEN on the server to turn it on. Run pages are reached from the links in tracking comments.</p></main>",
        ),
      );
      return true;
    }
    if (url.pathname === "/login") {
      if (method !== "POST") return redirect(res, "/");
      const form = await readForm(req);
      if (!form || !sameOrigin(req) || !admin.tokenMatches(form.get("token") ?? "")) {
        sendHtml(res, 401, loginPage("That token is not the server's PATCHWRIGHT_ADMIN_TOKEN."));
        return true;
      }
      const secure = options.secureCookies ? "; Secure" : "";
      return redirect(res, "/", {
        "set-cookie": `${COOKIE}=${admin.session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200${secure}`,
      });
    }
    if (url.pathname === "/logout") {
      if (method !== "POST" || !sameOrigin(req)) return redirect(res, "/");
      return redirect(res, "/", { "set-cookie": `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` });
    }
    if (method !== "GET") return notFound(res);
    if (!admin.allowed(req)) {
      if (url.pathname === "/dashboard.json")
        sendJson(res, 401, { error: "send Authorization: Bearer <PATCHWRIGHT_ADMIN_TOKEN>" });
      else sendHtml(res, 401, loginPage());
      return true;
    }
    const data = await dashboardData(url);
    if (url.pathname === "/dashboard.json") {
      sendJson(res, 200, {
        ...data,
        runs: data.runs.map((r) => ({
          ...r,
          page: `/runs/${encodeURIComponent(r.id)}?t=${pageToken(options.pageKey, r.id)}`,
        })),
      });
      return true;
    }
    sendHtml(
      res,
      200,
      renderDashboard(data, {
        page: (id) => `/runs/${encodeURIComponent(id)}?t=${pageToken(options.pageKey, id)}`,
        csrf: admin.csrf,
      }),
    );
    return true;
  }

  async function dashboardData(url: URL): Promise<DashboardData> {
    const param = (name: string): string | undefined => url.searchParams.get(name)?.trim() || undefined;
    const state = RunState.safeParse(param("state"));
    const filter: RunFilter = {
      ...(param("repository") ? { repository: param("repository")! } : {}),
      ...(param("kind") ? { kind: param("kind")! } : {}),
      ...(param("outcome") ? { outcome: param("outcome")! } : {}),
      ...(state.success ? { state: state.data } : {}),
    };
    const { store } = options;
    const queue = await options.queueCounts().catch(() => undefined);
    return {
      filter,
      runs: store.list({ ...filter, limit: 200 }),
      states: store.countsByState(),
      queue,
      costs: store.dailyCosts(14),
      guardBlocks: store.list({ outcome: "blocked", limit: 20 }),
      failures: [
        ...store.list({ outcome: "failed", limit: 20 }),
        ...store.list({ outcome: "abandoned", limit: 20 }),
      ],
      repositories: store.repositories(),
      kinds: RunKind.options,
      outcomes: [...RUN_OUTCOMES, "replaced", "cancelled", "abandoned"],
    };
  }

  /** A cancel from the dashboard: the admin's session, the form's CSRF field, and a same-origin request. */
  async function cancelRun(req: IncomingMessage, res: ServerResponse, id: string | undefined): Promise<true> {
    if (!admin || !admin.allowed(req)) return notFound(res);
    const form = await readForm(req);
    if (!form || !sameOrigin(req) || !admin.csrfMatches(form.get("csrf") ?? "")) {
      sendHtml(
        res,
        403,
        layout(
          "Refused",
          "<main><h1>Refused</h1><p>The cancel did not come from this dashboard's form; open the dashboard again and use its button.</p></main>",
        ),
      );
      return true;
    }
    const record = id !== undefined ? options.store.get(id) : undefined;
    if (!record) return notFound(res);
    await options.cancel(record.threadKey);
    return redirect(res, "/");
  }
}

/** The admin token's checks: a bearer header, or the session cookie the login form sets; both constant time. */
function adminAuth(token: string) {
  const derive = (purpose: string): string => createHmac("sha256", token).update(purpose).digest("base64url");
  const same = (a: string, b: string): boolean => {
    const hash = (t: string): Buffer => createHash("sha256").update(t, "utf8").digest();
    return timingSafeEqual(hash(a), hash(b));
  };
  // The cookie holds a value derived from the token, not the token: the browser never stores it.
  const session = derive("patchwright-admin-session/1");
  const csrf = derive("patchwright-admin-csrf/1");
  return {
    session,
    csrf,
    tokenMatches: (given: string) => same(given, token),
    csrfMatches: (given: string) => same(given, csrf),
    allowed(req: IncomingMessage): boolean {
      const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? "")?.[1];
      if (bearer !== undefined) return same(bearer, token);
      const cookie = (req.headers.cookie ?? "")
        .split(";")
        .map((c) => c.trim())
        .find((c) => c.startsWith(`${COOKIE}=`))
        ?.slice(COOKIE.length + 1);
      return cookie !== undefined && same(cookie, session);
    },
  };
}

function loginPage(problem?: string): string {
  return layout(
    "patchwright dashboard: sign in",
    [
      "<main><h1>Operator dashboard</h1>",
      problem ? `<p class="outcome-failed">${esc(problem)}</p>` : "",
      '<form method="post" action="/login"><label>Admin token <input type="password" name="token" autocomplete="current-password" required></label> <button>Sign in</button></form>',
      '<p class="muted">The token is the server\'s PATCHWRIGHT_ADMIN_TOKEN. Scripts can send it as <code>Authorization: Bearer</code> to <code>/dashboard.json</code>.</p></main>',
    ].join(""),
  );
}

/**
 * Whether a POST comes from this server's own pages. Browsers say where a request comes from in
 * Sec-Fetch-Site (sent whatever the Referrer-Policy, under which Origin may be "null"); failing that, a
 * real Origin must name this host. A request with neither is a script's: it must carry the bearer token.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers["sec-fetch-site"];
  if (typeof site === "string") return site === "same-origin";
  const origin = req.headers.origin;
  if (origin === undefined || origin === "null") return req.headers.authorization !== undefined;
  try {
    return req.headers.host !== undefined && new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function readForm(req: IncomingMessage, max = 4096): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(size <= max ? new URLSearchParams(Buffer.concat(chunks).toString("utf8")) : undefined),
    );
    req.on("error", () => resolve(undefined));
  });
}

function redirect(res: ServerResponse, to: string, headers: Record<string, string> = {}): true {
  res.writeHead(303, { location: to, ...securityHeaders(), ...headers }).end();
  return true;
}

function asset(res: ServerResponse, type: string, body: string): true {
  res
    .writeHead(200, {
      "content-type": `${type}; charset=utf-8`,
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=300",
    })
    .end(body);
  return true;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
