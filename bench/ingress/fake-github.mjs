// Child process: a fake GitHub REST API on 127.0.0.1 for `npm run bench:ingress`. It answers the few routes
// the App calls after a webhook (the App's identity, an installation token, the repository config,
// permissions, comments, reactions), each after an artificial delay, so the App's "slow work" is real.
// It counts what it receives per kind; the parent reads and resets the counts over IPC.
//   fork("fake-github.mjs", ["--delay-ms", "150"]) -> sends { type: "ready", port }
import { Buffer } from "node:buffer";
import http from "node:http";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout } from "node:timers";
import { URL } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { "delay-ms": { type: "string", default: "150" } } });
const delayMs = Math.max(0, Number(args["delay-ms"]));
const now = () => performance.timeOrigin + performance.now();

const REPO = "/repos/[^/]+/[^/]+";
let nextId = 5_000_000;
const comment = (body) => {
  const id = nextId++;
  return {
    id,
    html_url: `https://github.example/bench/issues/1#issuecomment-${id}`,
    body,
    user: { login: "patchwright[bot]", type: "Bot" },
  };
};

/** [method, path pattern, kind (the counter's name), answer(match, body) -> [status, json]] */
const ROUTES = [
  ["GET", /^\/app$/, "GET /app", () => [200, { id: 1, slug: "patchwright", name: "patchwright" }]],
  [
    "POST",
    /^\/app\/installations\/\d+\/access_tokens$/,
    "POST installation token",
    () => [
      201,
      {
        token: "bench-token",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { issues: "write", pull_requests: "write", contents: "read" },
        repository_selection: "all",
      },
    ],
  ],
  ["GET", new RegExp(`^${REPO}/contents/.+$`), "GET config (404)", () => [404, { message: "Not Found" }]],
  [
    "GET",
    new RegExp(`^${REPO}/collaborators/([^/]+)/permission$`),
    "GET permission",
    (m) => [200, { permission: "write", role_name: "write", user: { login: decodeURIComponent(m[1]) } }],
  ],
  ["GET", new RegExp(`^${REPO}/issues/\\d+/comments$`), "GET comments", () => [200, []]],
  [
    "POST",
    new RegExp(`^${REPO}/(?:issues|pulls)/(?:comments/)?\\d+/reactions$`),
    "POST reaction",
    () => [201, { id: nextId++, content: "eyes" }],
  ],
  [
    "POST",
    new RegExp(`^${REPO}/issues/\\d+/comments$`),
    "POST comment",
    (_m, body) => [201, comment(body.body ?? "")],
  ],
  [
    "PATCH",
    new RegExp(`^${REPO}/issues/comments/\\d+$`),
    "PATCH comment",
    (_m, body) => [200, comment(body.body ?? "")],
  ],
];

let counts = {};
let total = 0;
let inFlight = 0;
let firstAt = 0;
let lastAt = 0;

function route(method, pathname) {
  for (const [m, re, kind, answer] of ROUTES) {
    const match = m === method ? re.exec(pathname) : null;
    if (match) return { kind, answer: (body) => answer(match, body) };
  }
  return { kind: `unexpected ${method} ${pathname}`, answer: () => [404, { message: "Not Found" }] };
}

const server = http.createServer((req, res) => {
  const arrived = now();
  const { pathname } = new URL(req.url ?? "/", "http://127.0.0.1");
  // Octokit adds /api/v3 for Enterprise hosts; accept both forms.
  const { kind, answer } = route(req.method ?? "GET", pathname.replace(/^\/api\/v3(?=\/)/, ""));
  counts[kind] = (counts[kind] ?? 0) + 1;
  total += 1;
  inFlight += 1;
  firstAt ||= arrived;
  lastAt = arrived;
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let body = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    } catch {
      body = {};
    }
    setTimeout(() => {
      const [status, json] = answer(body);
      const text = JSON.stringify(json);
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        date: new Date().toUTCString(),
      });
      res.end(text);
      inFlight -= 1;
    }, delayMs);
  });
});
server.keepAliveTimeout = 30_000;

process.on("message", (msg) => {
  if (msg?.cmd === "stats") {
    process.send?.({ id: msg.id, counts, total, inFlight, firstAt, lastAt, at: now() });
    if (msg.reset) {
      counts = {};
      total = 0;
      firstAt = 0;
      lastAt = 0;
    }
  } else if (msg?.cmd === "stop") {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  }
});
// The parent is gone (crash or kill): do not outlive it.
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
});
