// Markdown for `npm run bench:queue`: one summary table (a row per backend), then per backend the
// acknowledgements by kind of delivery, the runs, the processes' CPU and the recovery after each kill.

const ms = (n) => (n === null || n === undefined || Number.isNaN(n) ? "–" : n.toFixed(1));
const s = (n) => (n === null || n === undefined || Number.isNaN(n) ? "–" : n.toFixed(2));
const times = (n) => (n === null || n === undefined ? "–" : `${n.toFixed(2)}×`);
const list = (o) =>
  Object.entries(o ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";

export function median(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function errors(load) {
  const bad = { ...load.errors };
  for (const [status, n] of Object.entries(load.statuses))
    if (!status.startsWith("2")) bad[`HTTP ${status}`] = n;
  const n = load.non2xx + load.transportErrors;
  return n ? `${n} (${list(bad)})` : "0";
}

export function markdown(result) {
  const c = result.config;
  const out = [
    "# Durable queue: patchwright serve + 2 workers vs a bare Probot app",
    "",
    `${result.machine.cpus} CPUs (${result.machine.cpuModel}), ${result.machine.memoryGb} GB; Node ${result.node}, ` +
      `Probot ${result.versions.probot}, BullMQ ${result.versions.bullmq}, better-sqlite3 ${result.versions["better-sqlite3"]}. ` +
      `\`${result.command}\``,
    "",
    `${c.deliveries} signed \`issue_comment\` deliveries per server at ${c.rate}/s (open loop): ` +
      `${Math.round(c.duplicates * 100)}% exact duplicates (same delivery id, sent at the same moment), ` +
      `${Math.round(c.redeliveries * 100)}% redeliveries (same id, ${c.redeliverAfterS} s later), the rest distinct ` +
      `\`@patchwright ${c.run}\` mentions, each in its own repository and installation. ` +
      (c.mode === "paired"
        ? "Each delivery goes to both servers at the same moment (paired), so both see the same machine. "
        : "The bare peer first (the App's processes up and idle), then the App. ") +
      `Fake GitHub answers after ${c.delayMs} ms; lease ${c.leaseSeconds} s; ${c.runConcurrency} runs at once per worker (niceness ${c.workerNice}; ` +
      (c.workerGroup
        ? `each worker in a scheduling group of its own at niceness ${c.workerGroupNice}, as a worker unit with a low CPUWeight); `
        : "in the server's scheduling group); ") +
      `App log level ${c.logLevel}; ` +
      (c.inbox === "off"
        ? "on Redis, the server's answer waits for Redis (`PATCHWRIGHT_INBOX=off`). "
        : "on Redis, the server answers once the delivery is in its inbox and hands it to Redis after. ") +
      "Latency: sending to the end of the answer, at the load generator.",
    "",
    "| backend | answered 2xx App / bare | App ack p50 / p99 ms | bare ack p50 / p99 ms | p99 ratio (goal ≤ 1.20×) | mentions | exactly one run | lost (never acknowledged) | duplicate runs / reports | runs/s | mention → report p50 / p99 s | kill -9 → taken again, median s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const b of result.backends) {
    const r = b.runs;
    const rec = median(b.recovery.map((x) => x.killToRestartNoticeS));
    out.push(
      `| ${b.backend} | ${b.app.load.ok2xx} / ${b.bare.load.ok2xx} | ${ms(b.app.load.p50)} / ${ms(b.app.load.p99)} | ` +
        `${ms(b.bare.load.p50)} / ${ms(b.bare.load.p99)} | ${times(b.ratio.p99)} | ${r.expected} | ${r.exactlyOnce} | ` +
        `${r.lost} (${r.neverAcknowledged}) | ${r.duplicateRuns} / ${r.duplicateReports} | ` +
        `${s(b.throughput.runsPerSecond)} | ${s(r.mentionToReportS.p50)} / ${s(r.mentionToReportS.p99)} | ` +
        `${s(rec)} (n=${b.recovery.length}) |`,
    );
  }
  out.push("");
  for (const b of result.backends) {
    out.push(
      `## ${b.backend}`,
      "",
      `Sent: ${list(b.mix)}.`,
      "",
      "| server | sent | 2xx | errors | p50 ms | p90 ms | p99 ms | max ms | p99 of mentions / duplicates / redeliveries ms |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const [name, x] of [
      ["patchwright serve", b.app],
      ["bare Probot", b.bare],
    ]) {
      const k = x.load.byKind;
      out.push(
        `| ${name} | ${x.load.sent} | ${x.load.ok2xx} | ${errors(x.load)} | ${ms(x.load.p50)} | ${ms(x.load.p90)} | ` +
          `${ms(x.load.p99)} | ${ms(x.load.max)} | ${ms(k.mention?.p99)} / ${ms(k.duplicate?.p99)} / ${ms(k.redelivery?.p99)} |`,
      );
    }
    out.push(
      `| patchwright / bare | | | | ${times(b.ratio.p50)} | | ${times(b.ratio.p99)} | ${times(b.ratio.max)} | |`,
      "",
    );
    const r = b.runs;
    const t = b.throughput;
    out.push(
      `Runs: ${r.finished} reports for ${r.expected} distinct mentions; ${r.exactlyOnce} exactly once, ${r.lost} lost ` +
        `(${r.neverAcknowledged} of them never acknowledged: every copy timed out or failed, so GitHub would redeliver), ` +
        `${r.duplicateRuns} duplicate runs, ${r.duplicateReports} duplicate reports` +
        `${r.drainedWithinLimit ? "" : ` (NOT all reported within --drain-seconds ${c.drainSeconds})`}. ` +
        `Reports said: ${list(r.outcomes)}. Notices on tracking comments: ${list(r.notices)}. ` +
        `Throughput ${s(t.runsPerSecond)} runs/s: ${t.runs} runs from the first enqueue (first tracking comment) to the ` +
        `last report, ${s(t.seconds)} s (${s(t.fromFirstDeliveryS)} s from the first delivery sent). ` +
        `Mention sent → its report: p50 ${s(r.mentionToReportS.p50)} s, p99 ${s(r.mentionToReportS.p99)} s, max ${s(r.mentionToReportS.max)} s.`,
      "",
      `CPU seconds while the App's load was sent (${s(b.loadWallS)} s): ${list(b.cpuSeconds.duringLoad)}; ` +
        `from the load's start to the last report: ${list(b.cpuSeconds.loadToDrained)}. ` +
        `Fake API requests: ${list(b.api)}. Queue after the load: ${list(b.queueAfterLoad)}; at the end: ${list(b.queueAtEnd)}.` +
        ` Load average (1, 5, 15 min) before the load: ${b.loadAverage.before.join(", ")}; after: ${b.loadAverage.after.join(", ")}.` +
        (b.backend === "redis"
          ? ` Redis commands per second (server-wide) during the load: ${b.redisCommandsPerSecond?.duringLoad}, ` +
            `until the last report: ${b.redisCommandsPerSecond?.loadToDrained}. ` +
            `Redis keys flushed before: ${b.redisKeysBefore}, after: ${b.redisKeysAtEnd}.`
          : ""),
      "",
    );
    if (r.notExactlyOnce.length)
      out.push(
        "Mentions not run exactly once (first 5):",
        "",
        "```json",
        JSON.stringify(r.notExactlyOnce, null, 1),
        "```",
        "",
      );
    if (b.recovery.length) {
      out.push(
        "| kill | killed | taken by | kill → restart notice s | kill → model asked again s | kill → report s | run ids | reports | report says restarted |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
      );
      b.recovery.forEach((x, i) =>
        out.push(
          `| ${i + 1} | ${x.killed} | ${x.takenBy ?? "–"} | ${s(x.killToRestartNoticeS)} | ${s(x.killToModelAgainS)} | ` +
            `${s(x.killToReportS)} | ${x.runIds} | ${x.reports} | ${x.reportSaysRestarted ? "yes" : "no"} |`,
        ),
      );
      out.push("");
    }
  }
  return out.join("\n");
}
