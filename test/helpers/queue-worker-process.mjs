// A worker process over the built queue, for the crash tests: it logs each run it starts and each it
// finishes to a file (one line each, appended synchronously, so a SIGKILL loses nothing written), and
// either finishes its runs at once or stalls on them until stopped.
// Arguments: <sqlite|redis> <sqlite path or redis prefix> <finish|stall> <leaseMs> <maxRestarts> <log file>
import { appendFileSync } from "node:fs";
import { RedisQueue } from "../../dist/runs/queue/redis-queue.js";
import { SqliteQueue } from "../../dist/runs/queue/sqlite-queue.js";

const [backend, where, mode, leaseMs, maxRestarts, logFile] = process.argv.slice(2);
const log = (line) => appendFileSync(logFile, `${line}\n`);
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const common = { leaseMs: Number(leaseMs), maxRestarts: Number(maxRestarts), log: quiet };
const queue =
  backend === "redis"
    ? new RedisQueue({
        ...common,
        url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        prefix: where,
        retentionMs: 3600_000,
      })
    : new SqliteQueue(where, common);

const worker = queue.work(
  {
    event: async () => {},
    run: async (request, restarts, signal) => {
      log(`start ${request.id} ${restarts} ${process.pid}`);
      if (mode === "stall")
        await new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
        );
      log(`done ${request.id} ${process.pid}`);
    },
    abandoned: async (request) => log(`abandoned ${request.id} ${process.pid}`),
  },
  { eventConcurrency: 1, runConcurrency: 1 },
);
process.once("SIGTERM", async () => {
  const { requeued } = await worker.stop(Number(process.env.DRAIN_MS ?? 0));
  log(`stopped ${requeued} ${process.pid}`);
  await queue.close();
  process.exit(0);
});
log(`ready ${process.pid}`);
