import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteQueue } from "../../../src/runs/queue/sqlite-queue.js";
import { tempDir } from "../../helpers/temp-repo.js";
import { queueRequest as request, quietLog } from "./queue-helpers.js";

// Another process's connection, in a thread of its own: it takes the write lock, says so, holds it for a
// moment (a worker claiming a job, renewing a lease), then commits. SQLite's busy timeout lets a writer
// wait that out; this thread's connection blocks meanwhile, as a process of its own would.
const HOLDER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.path);
db.pragma("busy_timeout = 5000");
db.exec("BEGIN IMMEDIATE");
db.prepare("UPDATE jobs SET error = error WHERE 0").run();
parentPort.postMessage("locked");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
db.exec("COMMIT");
db.close();
`;

// The same, holding the lock until the test lets go (a worker descheduled mid-transaction, for as long as
// the test needs).
const HOLD_UNTIL_RELEASED = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.path);
db.exec("BEGIN IMMEDIATE");
db.prepare("UPDATE jobs SET error = error WHERE 0").run();
parentPort.postMessage("locked");
Atomics.wait(new Int32Array(workerData.release), 0, 0);
db.exec("COMMIT");
db.close();
`;

const queues: SqliteQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
});

describe("the SQLite queue shared by several processes", () => {
  it("waits for another connection's write lock when queueing a run, instead of failing at once", async () => {
    const path = `${tempDir("pw-queue-")}/queue.sqlite`;
    const queue = new SqliteQueue(path, { leaseMs: 30_000, maxRestarts: 2, log: quietLog });
    queues.push(queue);
    const holder = new Worker(HOLDER, { eval: true, workerData: { path } });
    const exited = once(holder, "exit");
    await once(holder, "message");

    // enqueue reads the thread's waiting run before it writes: started as a read, its transaction could
    // not wait for the lock (SQLITE_BUSY at once), and the delivery failed after its tracking comment.
    await expect(queue.enqueue(request("run-1", "answer", 1))).resolves.toEqual({
      replaced: [],
      waitsForRepository: false,
    });
    await exited;
    expect(await queue.counts()).toContainEqual({ queue: "runs", state: "waiting", count: 1 });
  });

  it("stores a delivery without stalling the process while another holds the write lock", async () => {
    const path = `${tempDir("pw-queue-")}/queue.sqlite`;
    const queue = new SqliteQueue(path, { leaseMs: 30_000, maxRestarts: 2, log: quietLog });
    queues.push(queue);
    const release = new SharedArrayBuffer(4);
    const holder = new Worker(HOLD_UNTIL_RELEASED, { eval: true, workerData: { path, release } });
    const exited = once(holder, "exit");
    await once(holder, "message");

    // SQLite's own busy wait would block this thread inside accept until the holder let go, which it does
    // only when this thread tells it to: the timer below would never fire, and accept would fail.
    let settled = false;
    const accepted = queue.accept({ id: "d-1", name: "issue_comment", payload: {} }, "issue_comment:7");
    void accepted.finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);

    Atomics.store(new Int32Array(release), 0, 1);
    Atomics.notify(new Int32Array(release), 0);
    await expect(accepted).resolves.toBe("accepted");
    await exited;
    expect(await queue.counts()).toContainEqual({ queue: "events", state: "waiting", count: 1 });
  });
});
