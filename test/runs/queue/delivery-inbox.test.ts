import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryInbox, type DeliveryInboxOptions } from "../../../src/runs/queue/delivery-inbox.js";
import { type Accepted, type Delivery, outstanding } from "../../../src/runs/queue/durable-queue.js";
import type { RedisQueue } from "../../../src/runs/queue/redis-queue.js";
import { REDIS_URL, redisAnswers } from "../../helpers/redis.js";
import { tcpProxy, type TcpProxy } from "../../helpers/tcp-proxy.js";
import { tempDir } from "../../helpers/temp-repo.js";
import { gate, quietLog, redisQueueAt, until } from "./queue-helpers.js";

const withRedis = await redisAnswers();
const INBOX_PROCESS = join(import.meta.dirname, "../../helpers/inbox-process.mjs");

const cleanUps: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

function queue(prefix = `pw-inbox-${randomUUID()}`, url = REDIS_URL): RedisQueue {
  const q = redisQueueAt(url, prefix);
  cleanUps.push(() => q.close());
  return q;
}

function inbox(path: string, options: Partial<DeliveryInboxOptions> & Pick<DeliveryInboxOptions, "forward">) {
  const box = new DeliveryInbox(path, { log: quietLog, ...options });
  cleanUps.push(() => box.close(0));
  return box;
}

const inboxPath = (): string => join(tempDir("pw-inbox-"), "inbox.sqlite");
const delivery = (id: string, payload: unknown = { id }): Delivery => ({
  id,
  name: "issue_comment",
  payload,
});

/** What a worker on the queue is handed, in order. */
function handled(q: RedisQueue): string[] {
  const ids: string[] = [];
  const worker = q.work(
    {
      event: (d) => Promise.resolve(void ids.push(d.id)),
      run: () => Promise.resolve(),
      abandoned: () => Promise.resolve(),
    },
    { eventConcurrency: 1, runConcurrency: 1 },
  );
  cleanUps.push(() => worker.stop(0));
  return ids;
}

describe.skipIf(!withRedis)("the server's delivery inbox in front of the Redis queue", () => {
  it("answers from a local write and hands each delivery to Redis once, in order", async () => {
    const q = queue();
    const results: [string, Accepted][] = [];
    const box = inbox(inboxPath(), {
      forward: (d, trigger) => q.accept(d, trigger),
      onForwarded: (d, _trigger, result) => void results.push([d.id, result]),
    });
    expect(box.take(delivery("d-1"), "issue_comment:1")).toBe("accepted");
    // Still held: the same delivery again (GitHub sent it twice at once) is a duplicate here already.
    expect(box.take(delivery("d-1"), "issue_comment:1")).toBe("duplicate");
    expect(box.take(delivery("d-2"), "issue_comment:2")).toBe("accepted");
    // Another delivery of d-1's mention: Redis, which sees every server's deliveries, says it is claimed.
    expect(box.take(delivery("d-3"), "issue_comment:1")).toBe("accepted");
    expect(box.size).toBe(3);
    await box.drained();
    expect(results).toEqual([
      ["d-1", "accepted"],
      ["d-2", "accepted"],
      ["d-3", "claimed"],
    ]);
    // A redelivery after the hand-over: Redis knows it.
    box.take(delivery("d-1"), "issue_comment:1");
    await box.drained();
    expect(results.at(-1)).toEqual(["d-1", "duplicate"]);

    const ids = handled(q);
    await until(async () => outstanding(await q.counts()) === 0 && ids.length === 2, "both handled");
    expect(ids).toEqual(["d-1", "d-2"]);
  });

  it("keeps the payload exactly as received, and an empty file once everything is handed over", async () => {
    const q = queue();
    const path = inboxPath();
    const payload = { body: 'line\u2028sep \u{1F600} é \\ "q"', n: [1, 2.5, null], nested: { t: true } };
    const box = inbox(path, { forward: (d) => q.accept(d) });
    box.take(delivery("d-1", payload));
    await box.drained();
    const job = (await q.counts()).find((c) => c.queue === "events" && c.state === "waiting");
    expect(job?.count).toBe(1);
    const ids: Delivery[] = [];
    const worker = q.work(
      {
        event: (d) => Promise.resolve(void ids.push(d)),
        run: () => Promise.resolve(),
        abandoned: () => Promise.resolve(),
      },
      { eventConcurrency: 1, runConcurrency: 1 },
    );
    cleanUps.push(() => worker.stop(0));
    await until(() => ids.length === 1, "the delivery handled");
    expect(ids[0]).toEqual(delivery("d-1", payload));
    await box.close(1000);
    // Opened again (a restart): nothing left to hand over.
    const forwarded: string[] = [];
    const again = inbox(path, {
      forward: (d) => Promise.resolve(void forwarded.push(d.id)).then(() => "accepted"),
    });
    expect(again.size).toBe(0);
    expect(forwarded).toEqual([]);
  });

  it("keeps deliveries while Redis cannot be reached and hands them over once it can", async () => {
    const proxy: TcpProxy = await tcpProxy({
      host: new URL(REDIS_URL).hostname,
      port: Number(new URL(REDIS_URL).port || 6379),
    });
    cleanUps.push(() => proxy.close());
    const prefix = `pw-inbox-${randomUUID()}`;
    const through = queue(prefix, `redis://127.0.0.1:${proxy.port}`);
    await through.ping();
    await proxy.cut();
    const box = inbox(inboxPath(), { forward: (d, trigger) => through.accept(d, trigger) });
    for (let i = 0; i < 20; i++) expect(box.take(delivery(`d-${i}`), `issue_comment:${i}`)).toBe("accepted");
    // Redis is out of reach: nothing is lost, nothing waits on it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(box.size).toBe(20);
    await proxy.restore();
    await box.drained();
    const direct = queue(prefix);
    const ids = handled(direct);
    await until(() => ids.length === 20, "all twenty handled");
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `d-${i}`));
  });

  it("tries a queue that refuses again later, and loses and doubles nothing", async () => {
    const q = queue();
    // Both refused in the first batch; then Redis takes them.
    let refusals = 2;
    const tried: string[] = [];
    const box = inbox(inboxPath(), {
      forward: (d, trigger) => {
        tried.push(d.id);
        return refusals-- > 0
          ? Promise.reject(new Error("READONLY You can't write against a read only replica."))
          : q.accept(d, trigger);
      },
    });
    box.take(delivery("d-1"), "issue_comment:1");
    box.take(delivery("d-2"), "issue_comment:2");
    await box.drained();
    const ids = handled(q);
    await until(() => ids.length === 2, "both handled");
    expect(ids).toEqual(["d-1", "d-2"]);
    expect(tried).toEqual(["d-1", "d-2", "d-1", "d-2"]);
  });

  it("says plainly when it is full, and takes deliveries again once the queue took some", async () => {
    const release = gate();
    const box = inbox(inboxPath(), {
      capacity: 2,
      forward: () => release.promise.then((): Accepted => "accepted"),
    });
    box.take(delivery("d-1"));
    box.take(delivery("d-2"));
    expect(box.full).toBe(true);
    expect(() => box.take(delivery("d-3"))).toThrow(
      "the delivery inbox holds 2 deliveries the queue has not taken: is Redis reachable?",
    );
    release.open();
    await box.drained();
    expect(box.take(delivery("d-3"))).toBe("accepted");
  });

  it("hands over what a server killed with SIGKILL had stored, once, when it starts again", async () => {
    const path = inboxPath();
    const child = spawn(process.execPath, [INBOX_PROCESS, path, "25"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanUps.push(() => Promise.resolve(child.exitCode === null && child.kill("SIGKILL")));
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    expect(line.toString()).toBe("taken\n");
    child.kill("SIGKILL");
    await once(child, "exit");

    const q = queue();
    const restarted = inbox(path, { forward: (d, trigger) => q.accept(d, trigger) });
    expect(restarted.size).toBe(25);
    await restarted.drained();
    const ids = handled(q);
    await until(async () => ids.length === 25 && outstanding(await q.counts()) === 0, "all handled");
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `d-${i}`));
    // A second restart (say the first was killed before it cleared the file) adds nothing to the queue.
    await restarted.close(1000);
    const results: Accepted[] = [];
    inbox(path, {
      forward: (d, trigger) => q.accept(d, trigger),
      onForwarded: (_d, _t, result) => void results.push(result),
    });
    expect(results).toEqual([]);
    expect(outstanding(await q.counts())).toBe(0);
  });

  it("keeps the payloads it holds from other users of the machine: folder 0700, files 0600", () => {
    const dir = join(tempDir("pw-inbox-"), "state");
    const path = join(dir, "inbox.sqlite");
    const box = inbox(path, { forward: () => new Promise<Accepted>(() => {}) });
    box.take(delivery("d-1", { comment: { body: "private text" } }));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of [path, `${path}-wal`]) expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("on close, leaves what the queue did not take in time for the next start, and takes nothing new", async () => {
    const path = inboxPath();
    const box = new DeliveryInbox(path, { log: quietLog, forward: () => new Promise<Accepted>(() => {}) });
    box.take(delivery("d-1"));
    expect(await box.close(20)).toBe(1);
    expect(() => box.take(delivery("d-2"))).toThrow("the delivery inbox is closed: the server is stopping");
    const q = queue();
    const next = inbox(path, { forward: (d) => q.accept(d) });
    expect(next.size).toBe(1);
    await next.drained();
    const ids = handled(q);
    await until(() => ids.length === 1, "handled");
    expect(ids).toEqual(["d-1"]);
  });
});
