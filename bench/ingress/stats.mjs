// Latency statistics for `npm run bench:ingress`: percentiles (nearest rank) over the requests that got an
// HTTP answer, counts of 2xx, other statuses and transport errors (timeouts, resets).

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (n, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

export function summarise(samples) {
  const answered = samples.filter((s) => s.status !== undefined);
  const latencies = answered.map((s) => s.latencyMs).sort((a, b) => a - b);
  const statuses = {};
  for (const s of answered) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const errors = {};
  for (const s of samples) if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
  const byKind = {};
  for (const kind of new Set(answered.map((s) => s.kind))) {
    const own = answered.filter((s) => s.kind === kind).map((s) => s.latencyMs);
    own.sort((a, b) => a - b);
    byKind[kind] = { n: own.length, p50: round(percentile(own, 50)), p99: round(percentile(own, 99)) };
  }
  return {
    sent: samples.length,
    ok2xx: answered.filter((s) => s.status >= 200 && s.status < 300).length,
    status202: statuses[202] ?? 0,
    non2xx: answered.filter((s) => s.status < 200 || s.status >= 300).length,
    transportErrors: samples.length - answered.length,
    statuses,
    errors,
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? Number.NaN),
    mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    byKind,
  };
}

export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? round(a / b) : null;
}
