// Child process: one webhook receiver for `npm run bench:ingress`, on 127.0.0.1 at a random port.
// `--kind patchwright` loads createPatchwrightApp().appFn from dist/app/app.js; `--kind bare` loads an app
// whose only handler is empty. Both use Probot's createNodeMiddleware with the same Probot options, and
// point Probot's Octokit at the fake GitHub API (baseUrl), so nothing leaves the machine.
// The parent sends { cmd: "start", secret, appId, privateKey, baseUrl, logLevel } over IPC and gets back
// { type: "ready", port }; { cmd: "stats" } reports how many deliveries were answered and handled.
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import { fileURLToPath, pathToFileURL, URL } from "node:url";
import { parseArgs } from "node:util";
import { createNodeMiddleware, Probot } from "probot";

const { values: args } = parseArgs({ options: { kind: { type: "string", default: "bare" } } });
const kind = args.kind;
if (kind !== "patchwright" && kind !== "bare") throw new Error(`unknown --kind ${kind}`);
const DIST_APP = fileURLToPath(new URL("../../dist/app/app.js", import.meta.url));

const now = () => performance.timeOrigin + performance.now();
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
let answered = 0; // deliveries answered 2xx, i.e. handed to the app
let handled = 0; // of those, how many the app reported done (patchwright: onOutcome/onError)
let lastHandledAt = 0;
let statuses = {};
let outcomes = {};
let errors = 0;
let firstError;
let app;
let server;

async function start(config) {
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.secret,
    baseUrl: config.baseUrl,
    logLevel: config.logLevel,
    logFormat: "json",
  });
  let appFn;
  if (kind === "patchwright") {
    const { createPatchwrightApp } = await import(pathToFileURL(DIST_APP).href);
    app = createPatchwrightApp({
      onOutcome: (_event, outcome) => {
        handled += 1;
        lastHandledAt = now();
        outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
      },
      onError: (_event, err) => {
        handled += 1;
        lastHandledAt = now();
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      },
    });
    appFn = app.appFn;
  } else {
    appFn = (probotApp) => {
      probotApp.onAny(async () => {});
    };
  }
  const middleware = await createNodeMiddleware(appFn, { probot });
  server = http.createServer((req, res) => {
    res.on("finish", () => {
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        answered += 1;
        // The bare app has nothing to do after answering.
        if (kind === "bare") handled += 1;
      }
    });
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  loopDelay.enable();
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/** True when the app has nothing queued or running (patchwright's idle() settles at once then). */
async function isIdle() {
  if (!app) return true;
  let timer;
  const idle = await Promise.race([
    app.idle().then(() => true),
    new Promise((resolve) => (timer = setTimeout(() => resolve(false), 20))),
  ]);
  clearTimeout(timer);
  return idle;
}

function stats() {
  const mem = process.memoryUsage();
  return {
    answered,
    handled,
    lastHandledAt,
    statuses,
    outcomes,
    errors,
    firstError,
    rssMb: Math.round(mem.rss / 1e5) / 10,
    heapUsedMb: Math.round(mem.heapUsed / 1e5) / 10,
    loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    loopDelayMaxMs: Math.round(loopDelay.max / 1e4) / 100,
  };
}

process.on("message", (msg) => {
  void (async () => {
    try {
      if (msg?.cmd === "start") {
        process.send?.({ id: msg.id, type: "ready", port: await start(msg) });
      } else if (msg?.cmd === "stats") {
        process.send?.({ id: msg.id, ...stats(), idle: await isIdle(), at: now() });
        if (msg.reset) {
          answered = handled = errors = 0;
          statuses = {};
          outcomes = {};
          firstError = undefined;
          loopDelay.reset();
        }
      } else if (msg?.cmd === "stop") {
        server?.closeAllConnections();
        server?.close();
        process.exit(0);
      }
    } catch (err) {
      process.send?.({ id: msg?.id, type: "error", message: err instanceof Error ? err.stack : String(err) });
    }
  })();
});
// The parent is gone (crash or kill): do not outlive it.
process.on("disconnect", () => process.exit(0));
