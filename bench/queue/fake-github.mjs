// Child process for `npm run bench:queue`: everything the App talks to, on one loopback port, so nothing
// leaves the machine. Started as fork("fake-github.mjs", ["--delay-ms", "20", "--git-root", dir]).
//  - GitHub's REST API under /api/v3 (the App runs with GHE_HOST=127.0.0.1:<port>, GHE_PROTOCOL=http):
//    the routes an answer run needs, each answered after --delay-ms. Comments are kept per thread and
//    listed back, as GitHub does, so the App's own "is there a tracking comment already?" check sees them.
//  - GitHub's GraphQL API at /api/graphql: the thread's title and body, no comments.
//  - git over smart HTTP at /<owner>/<repo>.git/…: git's own `http-backend`, every repository mapped to
//    the one bare repository in --git-root (a README and a small source file).
//  - Anthropic's Messages API at /model/<worker>/v1/messages (each worker gets its own base URL, so the
//    fake knows which worker asked): a real SSE stream ending the turn with a short text at once. A
//    question named in `stall` is held open instead, the first time only, until its caller goes away.
// What it tracks, for the parent (IPC { cmd: "stats" | "runs" | "stall" }): requests per kind; per trigger
// (the `trigger` of the run marker on each tracking comment) the run ids that posted a tracking comment,
// and per run id its final report edits (a PATCH with the run marker whose first line is the report's
// "<icon> **patchwright** — <headline>") and the queue's notices (restarted, waiting, replaced, abandoned:
// PATCHes with the marker and their own sentence); model requests per question; and the time of each.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import http from "node:http";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout } from "node:timers";
import { URL } from "node:url";
import { parseArgs } from "node:util";
import { sse } from "../harness/fake-model.mjs";

const { values: args } = parseArgs({
  options: {
    "delay-ms": { type: "string", default: "20" },
    "git-root": { type: "string" },
    "git-repo": { type: "string", default: "hello.git" },
  },
});
const delayMs = Math.max(0, Number(args["delay-ms"]));
const gitRoot = args["git-root"];
if (!gitRoot) throw new Error("--git-root is required");
const now = () => performance.timeOrigin + performance.now();

const BOT = { login: "patchwright[bot]", id: 900001, type: "Bot" };
const MARKER = /<!-- patchwright:run (\{.*?\}) -->/;
const QUESTION = /\[(q-[\w-]+)\]/;

let nextId = 5_000_000;
let counts = {};
let total = 0;
let inFlight = 0;
/** "owner/repo#number" -> comments, oldest first. */
const threads = new Map();
/** comment id -> the comment. */
const comments = new Map();
/** trigger -> { runs: Map<runId, { postedAt, finals: [{ at, headline, restarted }], notices: [{ kind, at }] }> } */
const triggers = new Map();
/** question -> [{ at, worker, stalled }] */
const questions = new Map();
/** questions to hold open the first time they are asked */
const stall = new Set();
const restartNotes = [];
let firstFinalAt = 0;
let lastFinalAt = 0;
let firstTrackingAt = 0;

function markerOf(body) {
  const m = MARKER.exec(body ?? "");
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]);
  } catch {
    return undefined;
  }
}

function trigger(key) {
  let t = triggers.get(key);
  if (!t) triggers.set(key, (t = { runs: new Map() }));
  return t;
}

function run(marker) {
  const runs = trigger(marker.trigger).runs;
  let r = runs.get(marker.run);
  if (!r) runs.set(marker.run, (r = { postedAt: 0, finals: [], notices: [] }));
  return r;
}

function newComment(owner, repo, number, body) {
  const id = nextId++;
  const at = new Date().toISOString();
  const comment = {
    id,
    node_id: `IC_${id}`,
    url: `http://127.0.0.1/api/v3/repos/${owner}/${repo}/issues/comments/${id}`,
    html_url: `https://github.example/${owner}/${repo}/issues/${number}#issuecomment-${id}`,
    issue_url: `http://127.0.0.1/api/v3/repos/${owner}/${repo}/issues/${number}`,
    body,
    user: BOT,
    created_at: at,
    updated_at: at,
    author_association: "NONE",
  };
  const key = `${owner}/${repo}#${number}`;
  if (!threads.has(key)) threads.set(key, []);
  threads.get(key).push(comment);
  comments.set(id, comment);
  const marker = markerOf(body);
  if (marker) {
    run(marker).postedAt = now();
    firstTrackingAt ||= now();
  }
  return comment;
}

/** What an edit with the run marker is: the final report, or one of the queue's notices. */
function editKind(body) {
  if (/\*\*patchwright\*\* — /.test(body)) return "report";
  if (body.includes("restarted this run")) return "restarted";
  if (body.includes("gave this run up")) return "abandoned";
  if (body.includes("did not start this request")) return "replaced";
  if (body.includes("will start on this")) return "waiting";
  return "other";
}

function editComment(id, body) {
  const comment = comments.get(id);
  if (!comment) return undefined;
  comment.body = body;
  comment.updated_at = new Date().toISOString();
  const marker = markerOf(body);
  const kind = marker ? editKind(body) : "no marker";
  counts[`PATCH comment: ${kind}`] = (counts[`PATCH comment: ${kind}`] ?? 0) + 1;
  if (!marker) return comment;
  const at = now();
  const r = run(marker);
  if (kind === "report") {
    r.finals.push({
      at,
      // The headline (outcome and sentence), and whether the report says the run was restarted.
      headline: body.split("\n")[0].slice(0, 120),
      restarted: body.includes("This run was restarted"),
    });
    firstFinalAt ||= at;
    lastFinalAt = at;
  } else {
    r.notices.push({ kind, at });
    if (kind === "restarted") restartNotes.push({ at, trigger: marker.trigger, run: marker.run });
  }
  return comment;
}

const REPO = "/repos/([^/]+)/([^/]+)";
/** [method, path pattern, kind, answer(match, body, url) -> [status, json]] */
const ROUTES = [
  ["GET", /^\/app$/, "GET /app", () => [200, { id: 1, slug: "patchwright", name: "patchwright" }]],
  // The maintenance scheduler's start-up listing in `serve`: no installation schedules maintenance here.
  ["GET", /^\/app\/installations$/, "GET installations", () => [200, []]],
  [
    "POST",
    /^\/app\/installations\/(\d+)\/access_tokens$/,
    "POST installation token",
    (m) => [
      201,
      {
        token: `bench-token-${m[1]}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { issues: "write", pull_requests: "write", contents: "write" },
        repository_selection: "all",
      },
    ],
  ],
  ["GET", /^\/users\/([^/]+)$/, "GET user", (m) => [200, { ...BOT, login: decodeURIComponent(m[1]) }]],
  ["GET", new RegExp(`^${REPO}/contents/.+$`), "GET config (404)", () => [404, { message: "Not Found" }]],
  [
    "GET",
    new RegExp(`^${REPO}/collaborators/([^/]+)/permission$`),
    "GET permission",
    (m) => [200, { permission: "write", role_name: "write", user: { login: decodeURIComponent(m[3]) } }],
  ],
  [
    "GET",
    new RegExp(`^${REPO}/issues/(\\d+)/comments$`),
    "GET comments",
    (m, _body, url) => {
      const since = url.searchParams.get("since");
      const all = threads.get(`${m[1]}/${m[2]}#${m[3]}`) ?? [];
      return [200, since ? all.filter((c) => c.updated_at >= since) : all];
    },
  ],
  [
    "POST",
    new RegExp(`^${REPO}/issues/comments/\\d+/reactions$`),
    "POST reaction",
    () => [201, { id: nextId++, content: "eyes", user: BOT, created_at: new Date().toISOString() }],
  ],
  [
    "POST",
    new RegExp(`^${REPO}/issues/(\\d+)/comments$`),
    "POST comment",
    (m, body) => [201, newComment(m[1], m[2], Number(m[3]), String(body.body ?? ""))],
  ],
  [
    "PATCH",
    new RegExp(`^${REPO}/issues/comments/(\\d+)$`),
    "PATCH comment",
    (m, body) => {
      const edited = editComment(Number(m[3]), String(body.body ?? ""));
      return edited ? [200, edited] : [404, { message: "Not Found" }];
    },
  ],
  [
    "GET",
    new RegExp(`^${REPO}/issues/comments/(\\d+)$`),
    "GET comment",
    (m) => {
      const c = comments.get(Number(m[3]));
      return c ? [200, c] : [404, { message: "Not Found" }];
    },
  ],
  [
    "POST",
    /^\/graphql$/,
    "POST graphql",
    (_m, body) => {
      const number = body.variables?.number ?? 0;
      return [
        200,
        {
          data: {
            repository: {
              issueOrPullRequest: {
                __typename: "Issue",
                title: `Bench issue ${number}`,
                body: "An issue opened for the queue benchmark.",
                createdAt: "2024-01-01T00:00:00Z",
                lastEditedAt: null,
                author: { __typename: "User", login: "Codertocat" },
                comments: { nodes: [] },
              },
            },
          },
        },
      ];
    },
  ],
];

function route(method, pathname) {
  for (const [m, re, kind, answer] of ROUTES) {
    const match = m === method ? re.exec(pathname) : null;
    if (match) return { kind, answer: (body, url) => answer(match, body, url) };
  }
  return { kind: `unexpected ${method} ${pathname}`, answer: () => [404, { message: "Not Found" }] };
}

function count(kind) {
  counts[kind] = (counts[kind] ?? 0) + 1;
  total += 1;
}

function readBody(req, done) {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => done(Buffer.concat(chunks)));
}

function json(raw) {
  try {
    return raw.length ? JSON.parse(raw.toString("utf8")) : {};
  } catch {
    return {};
  }
}

function serveApi(req, res, pathname, url) {
  const { kind, answer } = route(req.method ?? "GET", pathname);
  count(kind);
  inFlight += 1;
  readBody(req, (raw) => {
    const body = json(raw);
    setTimeout(() => {
      const [status, out] = answer(body, url);
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        date: new Date().toUTCString(),
        "x-ratelimit-remaining": "4999",
      });
      res.end(JSON.stringify(out));
      inFlight -= 1;
    }, delayMs);
  });
}

/** git's smart HTTP through `git http-backend`; any /<owner>/<repo>.git is the one bare repository. */
function serveGit(req, res, rest, url) {
  count(`git ${rest.startsWith("/info/refs") ? "info/refs" : rest.slice(1)}`);
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: gitRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "x-access-token",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: `/${args["git-repo"]}${rest}`,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers = {};
    for (const line of head.subarray(0, end).toString().split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name === "status") status = Number(value.split(" ")[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  child.on("close", () => res.end());
  child.on("error", () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}

/** The Messages API: end the turn at once with a short text, or hold a stalled question open. */
function serveModel(req, res, worker) {
  count("POST model");
  readBody(req, (raw) => {
    const body = json(raw);
    const first = JSON.stringify(body.messages?.[0]?.content ?? "");
    const question = QUESTION.exec(first)?.[1] ?? "unknown";
    const asked = questions.get(question) ?? [];
    questions.set(question, asked);
    const record = { at: now(), worker, stalled: false };
    asked.push(record);
    if (stall.has(question) && asked.length === 1) {
      // Held until the worker dies (its socket closes) or gives up.
      record.stalled = true;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      return;
    }
    const text = `Nothing to change for ${question}: this is the benchmark's no-op answer.`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const usage = { input_tokens: Math.ceil(raw.length / 4), output_tokens: 1 };
    sse(res, "message_start", {
      message: {
        id: `msg_${question}_${asked.length}`,
        type: "message",
        role: "assistant",
        model: String(body.model ?? "unknown"),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
    sse(res, "content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    sse(res, "content_block_delta", { index: 0, delta: { type: "text_delta", text } });
    sse(res, "content_block_stop", { index: 0 });
    sse(res, "message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: Math.ceil(text.length / 4) },
    });
    sse(res, "message_stop", {});
    res.end();
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const { pathname } = url;
  const model = /^\/model\/([\w-]+)\/v1\/messages$/.exec(pathname);
  if (model && req.method === "POST") return serveModel(req, res, model[1]);
  if (pathname === "/api/graphql") return serveApi(req, res, "/graphql", url);
  if (pathname.startsWith("/api/v3/")) return serveApi(req, res, pathname.slice("/api/v3".length), url);
  const git = /^\/[^/]+\/[^/]+\.git(\/.*)$/.exec(pathname);
  if (git) return serveGit(req, res, git[1], url);
  count(`unexpected ${req.method} ${pathname}`);
  req.resume();
  res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
});
server.keepAliveTimeout = 30_000;

/** Per trigger: run ids with a tracking comment, and final edits per run. */
function runs(prefix) {
  const out = {};
  for (const [key, t] of triggers) {
    if (prefix && !key.startsWith(prefix)) continue;
    out[key] = [...t.runs].map(([id, r]) => ({ id, ...r }));
  }
  return out;
}

process.on("message", (msg) => {
  const reply = (data) => process.send?.({ id: msg.id, ...data });
  if (msg?.cmd === "stats") {
    reply({
      counts,
      total,
      inFlight,
      firstTrackingAt,
      firstFinalAt,
      lastFinalAt,
      tracked: [...triggers.values()].reduce((n, t) => n + t.runs.size, 0),
      finals: [...triggers.values()].reduce(
        (n, t) => n + [...t.runs.values()].reduce((m, r) => m + r.finals.length, 0),
        0,
      ),
      restartNotes,
      at: now(),
    });
  } else if (msg?.cmd === "runs") {
    reply({ runs: runs(msg.prefix), at: now() });
  } else if (msg?.cmd === "questions") {
    reply({ questions: Object.fromEntries(msg.names.map((q) => [q, questions.get(q) ?? []])), at: now() });
  } else if (msg?.cmd === "stall") {
    stall.add(msg.question);
    reply({});
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
