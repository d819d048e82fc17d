// The Redis queue's accept on its own (what `serve` does for each delivery before answering GitHub): CPU
// per accept, socket writes per accept and latency, against the Redis at --redis-url, sequentially.
// With --inbox, what the server does now: the inbox's local write is what the answer waits for (the
// latency), and the hand-over to Redis that follows is in the CPU and the writes too.
//   npm run build && node bench/queue/accept.mjs [--accepts 3000] [--payload example|empty] [--inbox]
// Its keys live under a prefix of their own and are deleted at the end, its inbox in a temporary folder.
import console from "node:console";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setImmediate } from "node:timers";
import { fileURLToPath, pathToFileURL, URL } from "node:url";
import { parseArgs } from "node:util";
import { example } from "../ingress/deliveries.mjs";

const { values: args } = parseArgs({
  options: {
    accepts: { type: "string", default: "3000" },
    payload: { type: "string", default: "example" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
    inbox: { type: "boolean", default: false },
  },
});
const accepts = Number(args.accepts);
if (!Number.isInteger(accepts) || accepts < 1) throw new Error("--accepts must be a positive whole number");
if (args.payload !== "example" && args.payload !== "empty")
  throw new Error("--payload must be example or empty");

const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const { RedisQueue } = await import(
  pathToFileURL(join(ROOT, "dist", "runs", "queue", "redis-queue.js")).href
);
const prefix = `pw-bench-accept-${randomUUID()}`;
const quiet = { info() {}, warn() {}, error() {} };
const queue = new RedisQueue({
  url: args["redis-url"],
  prefix,
  leaseMs: 30_000,
  maxRestarts: 2,
  retentionMs: 3_600_000,
  log: quiet,
});
const payload = args.payload === "example" ? example("issue_comment", "created") : {};
const stateDir = mkdtempSync(join(tmpdir(), "pw-bench-accept-"));
const { DeliveryInbox } = await import(
  pathToFileURL(join(ROOT, "dist", "runs", "queue", "delivery-inbox.js")).href
);
const inbox = args.inbox
  ? new DeliveryInbox(join(stateDir, "inbox.sqlite"), {
      forward: (delivery, trigger) => queue.accept(delivery, trigger),
      log: quiet,
    })
  : undefined;
// With the inbox, a turn of the event loop after each delivery lets the hand-over run, as between two
// requests in the server.
const accept = inbox
  ? async (delivery, trigger) => inbox.take(delivery, trigger)
  : (delivery, trigger) => queue.accept(delivery, trigger);
const settle = () => (inbox ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve());

try {
  await queue.ping();
  // Warm-up: the scripts are loaded (EVAL) on the first calls, by SHA after.
  for (let i = 0; i < 100; i++) {
    await accept({ id: `warm-${i}`, name: "issue_comment", payload }, `warm-${i}`);
    await settle();
  }
  await inbox?.drained();
  // Each call of the socket's _write/_writev is one write to the system, however many commands it holds.
  const socket = queue.redis.stream;
  let writes = 0;
  for (const method of ["_write", "_writev"]) {
    const original = socket[method]?.bind(socket);
    if (original) socket[method] = (...a) => (writes++, original(...a));
  }
  const latencies = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < accepts; i++) {
    const start = performance.now();
    await accept({ id: `d-${i}`, name: "issue_comment", payload }, `t-${i}`);
    latencies.push(performance.now() - start);
    await settle();
  }
  await inbox?.drained();
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
  console.log(
    `${accepts} accepts${inbox ? " through the inbox" : ""}, payload ${args.payload} (${JSON.stringify(payload).length} bytes): ` +
      `CPU ${((used.user + used.system) / accepts / 1000).toFixed(3)} ms per accept, ` +
      `${(writes / accepts).toFixed(2)} socket writes per accept, latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
  );
} finally {
  let cursor = "0";
  do {
    const [next, keys] = await queue.redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await queue.redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await inbox?.close(1000);
  await queue.close();
  rmSync(stateDir, { recursive: true, force: true });
}
