// Numbers and Markdown for `npm run bench:harness`: turns one round's session output and the fake model's
// request records into metrics, takes medians over rounds, and prints the table.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

/** One round's metrics from the session's JSON line and the server's records. */
export function roundMetrics(session, records) {
  const answered = records.filter((r) => r.status === 200);
  const bytes = records.map((r) => r.bytes);
  const turns = session.turns;
  const sendMs = sum(session.sendMs);
  const serverMs = sum(answered.map((r) => r.endedAt - r.receivedAt));
  const uploadMs = sum(answered.map((r) => r.bodyAt - r.receivedAt));
  const totalBytes = sum(bytes);
  const first = bytes[0] ?? 0;
  const last = bytes.at(-1) ?? 0;
  return {
    outcome: session.outcome,
    turns,
    requests: records.length,
    protocolOk: answered.length === records.length && answered.every((r) => r.resultsOk),
    toolCalls: session.toolCalls,
    toolErrors: session.toolErrors,
    wallMs: session.wallMs,
    importMs: session.importMs,
    sendMs,
    serverMs,
    uploadMs,
    clientInSendMs: sendMs - serverMs,
    toolMs: session.toolMs,
    toolMsByName: session.toolMsByName,
    restMs: session.wallMs - sendMs - session.toolMs,
    overheadPerTurnMs: (session.wallMs - sendMs) / turns,
    toolPerTurnMs: session.toolMs / turns,
    restPerTurnMs: (session.wallMs - sendMs - session.toolMs) / turns,
    sendPerTurnMs: sendMs / turns,
    peakRssMb: session.maxRssKb / 1024,
    rssAfterImportMb: session.rssAfterImportKb / 1024,
    heapUsedMb: session.heapUsedMb,
    totalRequestBytes: totalBytes,
    inputTokensEstimate: Math.ceil(totalBytes / 4),
    inputTokensReported: session.usage.inputTokens,
    outputTokensReported: session.usage.outputTokens,
    costUsdUncached: session.costUsd,
    requestBytesFirst: first,
    requestBytesMedian: median(bytes),
    requestBytesLast: last,
    growthPerTurnBytes: bytes.length > 1 ? (last - first) / (bytes.length - 1) : 0,
    // 1.0 = the total is what linear per-request growth gives (first + last) / 2 per request.
    totalVsLinear: bytes.length ? totalBytes / ((bytes.length * (first + last)) / 2) : Number.NaN,
    requestBytes: bytes,
    sendMsPerTurn: session.sendMs,
    serverMsPerTurn: answered.map((r) => r.endedAt - r.receivedAt),
  };
}

const ROWS = [
  ["turns (requests)", (m) => `${m.turns} (${m.requests})`],
  ["total wall time, ms", (m) => ms(m.wallMs)],
  ["inside model.send, ms", (m) => ms(m.sendMs)],
  ["↳ of which fake server receive→end, ms", (m) => ms(m.serverMs)],
  ["↳ of which client side (SDK, HTTP, SSE), ms", (m) => ms(m.clientInSendMs)],
  ["**harness overhead per turn, ms**", (m) => ms(m.overheadPerTurnMs, 1)],
  ["↳ tools per turn, ms", (m) => ms(m.toolPerTurnMs, 1)],
  ["↳ rest of the loop per turn, ms", (m) => ms(m.restPerTurnMs, 2)],
  ["model.send per turn, ms", (m) => ms(m.sendPerTurnMs, 1)],
  ["peak RSS, MB (after imports)", (m) => `${mb(m.peakRssMb)} (${mb(m.rssAfterImportMb)})`],
  ["input tokens sent (bytes/4)", (m) => int(m.inputTokensEstimate)],
  ["input tokens reported by the loop", (m) => int(m.inputTokensReported)],
  ["request bytes first / median / last", (m) => sizes(m)],
  ["request growth per turn, bytes", (m) => int(m.growthPerTurnBytes)],
];

const ms = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "–");
const mb = (n) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const sizes = (m) => `${kb(m.requestBytesFirst)} / ${kb(m.requestBytesMedian)} / ${kb(m.requestBytesLast)}`;

/** Medians of the numeric metrics over rounds (same keys). */
export function medians(rounds) {
  const out = {};
  for (const [key, value] of Object.entries(rounds[0] ?? {})) {
    if (typeof value === "number") out[key] = median(rounds.map((r) => r[key]));
  }
  return out;
}

export function markdown(rounds, med) {
  const head = ["metric", ...rounds.map((_, i) => `round ${i + 1}`), "median"];
  const lines = [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
  ];
  for (const [label, show] of ROWS) {
    lines.push(`| ${[label, ...rounds.map(show), show(med)].join(" | ")} |`);
  }
  return lines.join("\n");
}
