// Numbers and Markdown for `npm run bench:context`: one run's metrics from the session's result and the
// fake server's per-request records (usage as the cache model reported it), priced with dist/'s
// priceOf; and the table comparing the runs, with the cost ratio against the run without caching.

const sum = (values) => values.reduce((a, b) => a + b, 0);

/** Billed cost in USD, split by kind, of the records' usage at `price` (USD per million tokens). */
function cost(records, priceOf) {
  const parts = { input: 0, cacheWrite: 0, cacheRead: 0, output: 0 };
  for (const r of records) {
    const { price } = priceOf(r.model);
    parts.input += (r.input_tokens * price.input) / 1e6;
    parts.cacheWrite += (r.cache_creation_input_tokens * price.cacheWrite) / 1e6;
    parts.cacheRead += (r.cache_read_input_tokens * price.cacheRead) / 1e6;
    parts.output += (r.output_tokens * price.output) / 1e6;
  }
  return { ...parts, total: sum(Object.values(parts)) };
}

export function metrics(run, session, records, priceOf, turns) {
  const answered = records.filter((r) => r.status === 200);
  const turnRecords = answered.filter((r) => r.kind === "turn");
  const read = sum(answered.map((r) => r.cache_read_input_tokens));
  const write = sum(answered.map((r) => r.cache_creation_input_tokens));
  const uncached = sum(answered.map((r) => r.input_tokens));
  const input = read + write + uncached;
  const peak = Math.max(0, ...answered.map((r) => r.totalTokens));
  const billed = cost(answered, priceOf);
  // Turns whose request did not read everything the previous turn's request had cached.
  const prefixBreaks = turnRecords
    .filter((r) => r.readAllOfPrevious === false)
    .map((r) => ({
      turn: r.turn,
      firstChangedBlock: r.prefixBreak?.now,
      wasBlock: r.prefixBreak?.was,
      readTokens: r.cache_read_input_tokens,
      writeTokens: r.cache_creation_input_tokens,
    }));
  return {
    label: run.label,
    caching: run.caching,
    windowTokens: run.window === Number.MAX_SAFE_INTEGER ? null : run.window,
    outcome: session.outcome,
    turns: session.turns,
    requests: answered.length,
    summaryRequests: answered.filter((r) => r.kind === "summary").length,
    protocolOk:
      session.outcome === "finished" &&
      session.turns === turns &&
      answered.length === records.length &&
      turnRecords.every((r) => r.resultsOk),
    toolErrors: session.toolErrors,
    compactions: session.compactions,
    inputTokens: input,
    cacheReadTokens: read,
    cacheWriteTokens: write,
    uncachedInputTokens: uncached,
    outputTokens: sum(answered.map((r) => r.output_tokens)),
    cacheReadShare: input ? read / input : 0,
    cacheReadOrWriteShare: input ? (read + write) / input : 0,
    peakContextTokens: peak,
    peakShareOfWindow: run.window === Number.MAX_SAFE_INTEGER ? null : peak / run.window,
    costUsd: billed,
    loopCostUsd: session.costUsd,
    prefixBreaks,
    perRequest: answered.map((r) => ({
      n: r.n,
      kind: r.kind,
      turn: r.turn,
      totalTokens: r.totalTokens,
      read: r.cache_read_input_tokens,
      write: r.cache_creation_input_tokens,
      input: r.input_tokens,
      output: r.output_tokens,
      breakpoints: r.breakpoints,
    })),
  };
}

const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
const usd = (x) => (Number.isFinite(x) ? `$${x.toFixed(2)}` : "–");

const ROWS = [
  ["turns (requests, of which summaries)", (m) => `${m.turns} (${m.requests}, ${m.summaryRequests})`],
  ["context window, tokens", (m) => (m.windowTokens ? int(m.windowTokens) : "unbounded")],
  [
    "**peak context, tokens (share of window)**",
    (m) => `${int(m.peakContextTokens)} (${pct(m.peakShareOfWindow)})`,
  ],
  [
    "compactions (levels)",
    (m) =>
      `${m.compactions.length}${m.compactions.length ? ` (${m.compactions.map((c) => c.level).join(", ")})` : ""}`,
  ],
  ["input tokens, all requests", (m) => int(m.inputTokens)],
  ["↳ cache reads", (m) => int(m.cacheReadTokens)],
  ["↳ cache writes", (m) => int(m.cacheWriteTokens)],
  ["↳ uncached input", (m) => int(m.uncachedInputTokens)],
  ["**cache-read share of input**", (m) => pct(m.cacheReadShare)],
  ["cache read + write share of input", (m) => pct(m.cacheReadOrWriteShare)],
  ["turns whose prefix broke", (m) => String(m.prefixBreaks.length)],
  ["cost: input / cache write / cache read / output", (m) => costParts(m.costUsd)],
  ["**total billed cost**", (m) => usd(m.costUsd.total)],
];

const costParts = (c) => [c.input, c.cacheWrite, c.cacheRead, c.output].map(usd).join(" / ");

export function markdown(runs, results) {
  const shown = runs.filter((r) => results[r.key]);
  const base = results.b?.costUsd.total;
  const head = ["metric", ...shown.map((r) => r.label)];
  const lines = [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
  ];
  for (const [label, show] of ROWS) {
    lines.push(`| ${[label, ...shown.map((r) => show(results[r.key]))].join(" | ")} |`);
  }
  lines.push(
    `| **cost ratio to (b)** | ${shown.map((r) => (base ? `${(results[r.key].costUsd.total / base).toFixed(3)}×` : "–")).join(" | ")} |`,
  );
  const breaks = shown.flatMap((r) =>
    results[r.key].prefixBreaks.map(
      (b) =>
        `- ${r.label}, turn ${b.turn}: first changed block ${b.firstChangedBlock}` +
        `${b.wasBlock === b.firstChangedBlock ? " (rewritten)" : ` (was ${b.wasBlock})`}; ` +
        `read ${int(b.readTokens)}, wrote ${int(b.writeTokens)} tokens`,
    ),
  );
  if (breaks.length) lines.push("", "Where the cached prefix broke between turns:", "", ...breaks);
  return lines.join("\n");
}
