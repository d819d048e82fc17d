// Markdown for `npm run bench:ingress`: per rate, one latency table (patchwright vs the bare Probot app and
// their ratio), then one table on the App's intake: the API calls it made and whether it kept up.

const ms = (n) => (n === null || n === undefined ? "–" : n.toFixed(1));
const times = (n) => (n === null || n === undefined ? "–" : `${n.toFixed(2)}×`);
const list = (o) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";

function loadRow(name, s) {
  const bad = { ...s.load.errors };
  for (const [status, n] of Object.entries(s.load.statuses))
    if (!status.startsWith("2")) bad[`HTTP ${status}`] = n;
  const errors = s.load.non2xx + s.load.transportErrors;
  const detail = errors ? ` (${list(bad)})` : "";
  const extra = s.load.status202 ? ` incl. ${s.load.status202}× 202` : "";
  return `| ${name} | ${s.load.sent} | ${s.load.ok2xx}${extra} | ${errors}${detail} | ${ms(s.load.p50)} | ${ms(s.load.p99)} | ${ms(s.load.max)} |`;
}

export function markdown(result) {
  const c = result.config;
  const out = [
    `# Webhook ingress: patchwright vs a bare Probot app`,
    "",
    `Probot ${result.probotVersion}, Node ${result.node}; open loop, ${c.requests} deliveries per rate and server ` +
      `(at most ${c.maxSeconds} s of sending), keep-alive agent, request timeout ${c.timeoutMs} ms; ` +
      `fake GitHub API answers after ${c.delayMs} ms; App log level ${c.logLevel}. ` +
      `Latency = sending to the end of the response, over answered requests.`,
    "",
  ];
  for (const r of result.rates) {
    const pw = r.servers.patchwright;
    const bare = r.servers.bare;
    out.push(
      `## ${r.rate} deliveries/s (${list(r.mix)}; ${r.order.join(" first, then ")})`,
      "",
      "| server | sent | 2xx | errors | p50 ms | p99 ms | max ms |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    if (pw) out.push(loadRow("patchwright", pw));
    if (bare) out.push(loadRow("bare Probot", bare));
    if (pw && bare) {
      out.push(
        `| patchwright / bare | | | | ${times(r.ratio.p50)} | ${times(r.ratio.p99)} | ${times(r.ratio.max)} |`,
      );
    }
    out.push("");
    if (pw) {
      const i = pw.intake;
      const kept = i.drained
        ? `drained: last API request ${i.lastApiAfterAckS ?? 0} s, last event handled ${i.lastHandledAfterAckS ?? 0} s after the last acknowledgement`
        : `NOT drained after waiting ${i.waitedS} s: ${i.pendingAtEnd} of ${i.answered} events still unhandled, ` +
          `${i.apiInFlight} API requests in flight`;
      out.push(
        `App intake: ${i.apiTotal} fake-API requests (${list(i.apiCounts)}); ` +
          `${i.handledAtLastAck} of ${i.answered} events handled by the last acknowledgement; ${kept}. ` +
          `Outcomes: ${list(i.outcomes)}${i.errors ? `; ${i.errors} errors (first: ${i.firstError})` : ""}. ` +
          `While sending: event-loop delay p99 ${pw.serverAtLastAck.loopDelayP99Ms} ms, max ${pw.serverAtLastAck.loopDelayMaxMs} ms ` +
          `(bare ${bare?.serverAtLastAck.loopDelayP99Ms ?? "–"} / ${bare?.serverAtLastAck.loopDelayMaxMs ?? "–"} ms); ` +
          `RSS at the end ${pw.serverAtEnd.rssMb} MB (bare ${bare?.serverAtEnd.rssMb ?? "–"} MB). ` +
          `Max send lag ${ms(pw.maxSendLagMs)} ms (bare ${ms(bare?.maxSendLagMs)} ms).`,
        "",
      );
    }
  }
  return out.join("\n");
}
