import { register as globalRegistry, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics, RUN_KINDS, RUN_OUTCOMES, type QueueCounts } from "../../src/runs/metrics.js";
import type { QueueCount } from "../../src/runs/queue/durable-queue.js";

/** The samples of one series in a Prometheus text exposition: `{labels}` (or "") → value. */
function samples(body: string, name: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of body.split("\n")) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] === name) found[m[2] ?? ""] = Number(m[3]);
  }
  return found;
}

describe("createMetrics", () => {
  it("renders each series with its labels and values, in its own registry", async () => {
    const metrics = createMetrics({
      queueCounts: () =>
        Promise.resolve([
          { queue: "runs", state: "waiting", count: 3 },
          { queue: "runs", state: "active", count: 1 },
          { queue: "events", state: "failed", count: 0 },
        ]),
    });
    metrics.runFinished("implement", "pr_opened", 42);
    metrics.runFinished("implement", "pr_opened", 700);
    metrics.runFinished("review", "reviewed", 8);
    metrics.modelCost("implement", 0.25);
    metrics.modelCost("implement", 0.5);
    metrics.guardBlock("push");
    metrics.rateLimit("core", 4999);
    metrics.rateLimit("core", 4321);
    metrics.ackObserved("accepted", 0.002);
    metrics.ackObserved("refused", 0.0004);
    metrics.runRestarted();

    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples(body, "patchwright_queue_jobs")).toEqual({
      '{queue="runs",state="waiting"}': 3,
      '{queue="runs",state="active"}': 1,
      '{queue="events",state="failed"}': 0,
    });
    expect(samples(body, "patchwright_runs_total")).toEqual({
      '{kind="implement",outcome="pr_opened"}': 2,
      '{kind="review",outcome="reviewed"}': 1,
    });
    const duration = samples(body, "patchwright_run_duration_seconds_bucket");
    expect(duration['{le="60",kind="implement",outcome="pr_opened"}']).toBe(1);
    expect(duration['{le="1200",kind="implement",outcome="pr_opened"}']).toBe(2);
    expect(duration['{le="3600",kind="implement",outcome="pr_opened"}']).toBe(2);
    expect(duration['{le="5",kind="review",outcome="reviewed"}']).toBe(0);
    expect(duration['{le="15",kind="review",outcome="reviewed"}']).toBe(1);
    expect(samples(body, "patchwright_run_duration_seconds_sum")).toEqual({
      '{kind="implement",outcome="pr_opened"}': 742,
      '{kind="review",outcome="reviewed"}': 8,
    });
    expect(samples(body, "patchwright_model_cost_usd_total")).toEqual({ '{kind="implement"}': 0.75 });
    expect(samples(body, "patchwright_guard_blocks_total")).toEqual({ '{surface="push"}': 1 });
    expect(samples(body, "patchwright_github_rate_limit_remaining")).toEqual({ '{resource="core"}': 4321 });
    const ack = samples(body, "patchwright_webhook_ack_seconds_bucket");
    expect(ack['{le="0.0005",outcome="refused"}']).toBe(1);
    expect(ack['{le="0.001",outcome="accepted"}']).toBe(0);
    expect(ack['{le="0.0025",outcome="accepted"}']).toBe(1);
    expect(ack['{le="10",outcome="accepted"}']).toBe(1);
    expect(samples(body, "patchwright_run_restarts_total")).toEqual({ "": 1 });
    expect(samples(body, "patchwright_metrics_collect_errors_total")).toEqual({ "": 0 });
    // prom-client's process metrics, under the same prefix.
    expect(Object.keys(samples(body, "patchwright_process_cpu_user_seconds_total"))).toEqual([""]);
    expect(body).toContain("# TYPE patchwright_nodejs_heap_size_total_bytes gauge");
    // Nothing lands in prom-client's global registry.
    expect(await globalRegistry.metrics()).not.toContain("patchwright_");
  });

  it("shows what the server's inbox holds, read at each scrape (0 without one)", async () => {
    const metrics = createMetrics();
    expect(samples((await metrics.render()).body, "patchwright_inbox_deliveries")).toEqual({ "": 0 });
    let held = 3;
    metrics.setInboxSize(() => held);
    expect(samples((await metrics.render()).body, "patchwright_inbox_deliveries")).toEqual({ "": 3 });
    held = 0;
    expect(samples((await metrics.render()).body, "patchwright_inbox_deliveries")).toEqual({ "": 0 });
  });

  it("registers in a registry it is given", async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry });
    metrics.runRestarted();
    expect(metrics.registry).toBe(registry);
    expect(samples(await registry.metrics(), "patchwright_run_restarts_total")).toEqual({ "": 1 });
  });

  it("counts every label value it does not know as `other`, so a payload cannot add series", async () => {
    const metrics = createMetrics({
      queueCounts: () =>
        // States no backend reports today: a new backend's must still not mint series.
        Promise.resolve(
          ["prioritized", "paused"].map(
            (state) => ({ queue: "runs", state, count: 2 }) as unknown as QueueCount,
          ),
        ),
    });
    const hostile = Array.from({ length: 500 }, (_, i) => `octo-org/secret-repo-${i} ghp_${"x".repeat(36)}`);
    for (const text of hostile) {
      metrics.runFinished(text, text, 1);
      metrics.modelCost(text, 0.01);
      metrics.guardBlock(text);
      metrics.rateLimit(text, 10);
      metrics.ackObserved(text, 0.01);
    }
    const { body } = await metrics.render();
    expect(samples(body, "patchwright_runs_total")).toEqual({ '{kind="other",outcome="other"}': 500 });
    expect(Object.keys(samples(body, "patchwright_model_cost_usd_total"))).toEqual(['{kind="other"}']);
    expect(samples(body, "patchwright_guard_blocks_total")).toEqual({ '{surface="other"}': 500 });
    expect(samples(body, "patchwright_github_rate_limit_remaining")).toEqual({ '{resource="other"}': 10 });
    expect(samples(body, "patchwright_webhook_ack_seconds_count")).toEqual({ '{outcome="other"}': 500 });
    // Two unknown states of one queue add up under one series.
    expect(samples(body, "patchwright_queue_jobs")).toEqual({ '{queue="runs",state="other"}': 4 });
    expect(body).not.toContain("secret-repo");
    expect(body).not.toContain("ghp_");
  });

  it("keeps every run kind and outcome it knows as itself", async () => {
    const metrics = createMetrics();
    for (const kind of RUN_KINDS) for (const outcome of RUN_OUTCOMES) metrics.runFinished(kind, outcome, 1);
    const series = Object.keys(samples((await metrics.render()).body, "patchwright_runs_total"));
    expect(series).toHaveLength(RUN_KINDS.length * RUN_OUTCOMES.length);
    expect(series).not.toContainEqual(expect.stringContaining('"other"'));
  });

  it("leaves the queue gauge unset and counts an error when the queue counts fail, throw or hang", async () => {
    let answer: QueueCounts = () => Promise.resolve([{ queue: "runs", state: "waiting", count: 5 }]);
    const metrics = createMetrics({ queueCountsTimeoutMs: 1 });
    const scrape = async (): Promise<[Record<string, number>, Record<string, number>]> => {
      const { body } = await metrics.render();
      return [
        samples(body, "patchwright_queue_jobs"),
        samples(body, "patchwright_metrics_collect_errors_total"),
      ];
    };

    // Without a callback there is nothing to report, and nothing went wrong.
    expect(await scrape()).toEqual([{}, { "": 0 }]);
    metrics.setQueueCounts(() => answer());
    expect(await scrape()).toEqual([{ '{queue="runs",state="waiting"}': 5 }, { "": 0 }]);

    answer = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
    expect(await scrape()).toEqual([{}, { "": 1 }]);
    answer = () => {
      throw new Error("not connected");
    };
    expect(await scrape()).toEqual([{}, { "": 2 }]);
    answer = () => new Promise(() => {});
    expect(await scrape()).toEqual([{}, { "": 3 }]);

    answer = () => Promise.resolve([{ queue: "runs", state: "waiting", count: 6 }]);
    expect(await scrape()).toEqual([{ '{queue="runs",state="waiting"}': 6 }, { "": 3 }]);
  });

  it("drops a negative or non-finite number rather than throwing, and counts it", async () => {
    const metrics = createMetrics();
    metrics.runFinished("plan", "planned", Number.NaN);
    metrics.modelCost("plan", -1);
    metrics.rateLimit("core", Number.POSITIVE_INFINITY);
    metrics.ackObserved("accepted", -0.001);
    metrics.setQueueCounts(() => Promise.resolve([{ queue: "runs", state: "waiting", count: Number.NaN }]));
    const { body } = await metrics.render();
    // The run is counted; only its duration is missing.
    expect(samples(body, "patchwright_runs_total")).toEqual({ '{kind="plan",outcome="planned"}': 1 });
    expect(samples(body, "patchwright_run_duration_seconds_count")).toEqual({});
    expect(samples(body, "patchwright_model_cost_usd_total")).toEqual({});
    expect(samples(body, "patchwright_github_rate_limit_remaining")).toEqual({});
    expect(samples(body, "patchwright_webhook_ack_seconds_count")).toEqual({});
    expect(samples(body, "patchwright_queue_jobs")).toEqual({});
    expect(samples(body, "patchwright_metrics_dropped_total")).toEqual({
      '{metric="queue_jobs"}': 1,
      '{metric="run_duration_seconds"}': 1,
      '{metric="model_cost_usd_total"}': 1,
      '{metric="github_rate_limit_remaining"}': 1,
      '{metric="webhook_ack_seconds"}': 1,
    });
  });
});
