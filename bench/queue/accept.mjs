// The Redis queue's accept on its own (what `serve` does for each delivery before answering GitHub): CPU
// per accept, socket writes per accept and latency, against the Redis at --redis-url, sequentially.
//   npm run build && node bench/queue/accept.mjs [--accepts 3000] [--payload example|empty]
// Its keys live under a prefix of their own and are deleted at the end.
import console from "node:console";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { fileURLToPath, pathToFileURL, URL } from "node:url";
import { parseArgs } from "node:util";
import { example } from "../ingress/deliveries.mjs";

const { values: args } = parseArgs({
  options: {
    accepts: { type: "string", default: "3000" },
    payload: { type: "string", default: "example" },
    "redis-url": { type: "string", default: "redis://127.0.0.1:6379" },
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

try {
  await queue.ping();
  // Warm-up: the scripts are loaded (EVAL) on the first calls, by SHA after.
  for (let i = 0; i < 100; i++)
    await queue.accept({ id: `warm-${i}`, name: "issue_comment", payload }, `warm-${i}`);
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
    await queue.accept({ id: `d-${i}`, name: "issue_comment", payload }, `t-${i}`);
    latencies.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
  console.log(
    `${accepts} accepts, payload ${args.payload} (${JSON.stringify(payload).length} bytes): ` +
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
  await queue.close();
}
