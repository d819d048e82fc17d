import type { RunRecord, StoredEntry } from "../../runs/run-log/run-store.js";
import { viewEntry } from "../../runs/run-log/timeline.js";
import { esc, layout, safeHref, usd, when } from "./html.js";

/** One timeline entry as the page and the event stream show it. */
export interface EntryMessage {
  seq: number;
  at: number;
  kind: string;
  title: string;
  body?: string;
}

export function entryMessage(stored: StoredEntry): EntryMessage {
  return { seq: stored.seq, at: stored.at, ...viewEntry(stored.entry) };
}

export function isLive(run: RunRecord): boolean {
  return run.state === "queued" || run.state === "running";
}

/**
 * A run's page: its record above, the timeline below. While the run works the script follows the
 * event stream from the last entry shown; when it ends the page is loaded again with the report.
 */
export function renderRunPage(run: RunRecord, entries: StoredEntry[]): string {
  const messages = entries.map(entryMessage);
  const last = entries.at(-1)?.seq ?? 0;
  const count = (kind: string): number => entries.filter((e) => e.entry.type === kind).length;
  const limits = entries.flatMap((e) =>
    e.entry.type === "limit" ? [`${e.entry.limit}: ${e.entry.detail}`] : [],
  );
  const verification = entries.flatMap((e) =>
    e.entry.type === "verification"
      ? [`${e.entry.passed ? "passed" : "failed"} (attempt ${e.entry.attempt}): ${e.entry.command}`]
      : [],
  );
  const guard = entries.flatMap((e) => (e.entry.type === "guard" ? e.entry.findings : []));
  const s = run.summary;
  const thread = run.thread !== undefined ? ` #${run.thread}` : "";
  const facts: [string, string][] = [
    ["Repository", `${esc(run.repository)}${esc(thread)}`],
    ["Kind", esc(run.kind)],
    ["Asked by", `@${esc(run.author)}`],
    [
      "Status",
      `<span class="badge state-${esc(run.state)}">${esc(run.state)}</span>${run.outcome ? ` <span class="outcome-${esc(run.outcome)}">${esc(run.outcome)}</span>` : ""}`,
    ],
    ["Queued", esc(when(run.createdAt))],
    ["Started", esc(when(run.startedAt))],
    ["Finished", esc(when(run.finishedAt))],
    ["Turns", esc(s?.turns ?? count("turn"))],
    ["Cost so far", esc(usd(s?.costUsd ?? run.costUsd)) + (s?.costKnown === false ? " (estimated)" : "")],
    ["Compactions", esc(count("compacted"))],
    ["Limits", limits.length ? esc(limits.join("; ")) : "none reached"],
    [
      "Verification",
      verification.length
        ? esc(verification.join("; "))
        : esc(s?.verification?.replace("_", " ") ?? "not run yet"),
    ],
    [
      "Leak guard",
      guard.length
        ? `<span class="outcome-blocked">blocked ${esc(guard.length)} finding(s)</span>`
        : "nothing blocked",
    ],
  ];
  if (s?.sandbox) facts.push(["Sandbox", esc(s.sandbox)]);
  if (s?.tests) facts.push(["Tests", esc(s.tests)]);
  if (s?.branch) facts.push(["Branch", `<code>${esc(s.branch)}</code>`]);
  if (s?.pullRequest) facts.push(["Pull request", link(s.pullRequest.url, `#${s.pullRequest.number}`)]);
  for (const l of s?.links ?? []) facts.push([esc(l.label), link(l.url, l.url)]);

  const report = s
    ? [
        "<section><h2>Report</h2>",
        `<p class="outcome-${esc(s.outcome)}"><b>${esc(s.outcome)}</b>: ${esc(s.headline)}</p>`,
        s.details ? `<pre>${esc(s.details)}</pre>` : "",
        ...(s.notes ?? []).map((n) => `<p class="muted">Note: ${esc(n)}</p>`),
        guard.length
          ? `<h3>Blocked by the leak guard (redacted)</h3><ul>${guard.map((g) => `<li>${esc(g)}</li>`).join("")}</ul>`
          : "",
        "</section>",
      ].join("\n")
    : run.state === "dropped"
      ? `<section><h2>Report</h2><p><b>${esc(run.outcome ?? "dropped")}</b>: ${esc(run.headline ?? "")}</p></section>`
      : "";
  const live = isLive(run);
  const body = [
    "<main>",
    `<p class="muted">patchwright run <code>${esc(run.id)}</code>${live ? ' · <span id="live-status">connecting</span>' : ""}</p>`,
    `<h1>${esc(run.kind)} on ${esc(run.repository)}${esc(thread)}</h1>`,
    "<section><h2>Request</h2>",
    `<pre>${esc(run.instruction || "(no further words)")}</pre></section>`,
    `<section><h2>Record</h2><dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl></section>`,
    report,
    `<section><h2>Timeline</h2><ol id="timeline" data-live="${live}" data-after="${esc(last)}" data-events="/runs/${esc(encodeURIComponent(run.id))}/events">`,
    ...messages.map(renderEntry),
    "</ol>",
    live ? "" : '<p class="muted">The run has ended; this is its full timeline.</p>',
    "</section></main>",
  ].join("\n");
  return layout(`patchwright run ${run.id}`, body, live ? ["/assets/run-page.js"] : []);
}

function renderEntry(m: EntryMessage): string {
  const kind = m.kind.replace(/[^a-z_]/g, "");
  return [
    `<li class="entry entry-${kind}" data-seq="${esc(m.seq)}">`,
    `<time class="at">${esc(new Date(m.at).toISOString().slice(11, 19))}</time>`,
    `<span class="title">${esc(m.title)}</span>`,
    m.body ? `<pre class="body">${esc(m.body)}</pre>` : "",
    "</li>",
  ].join("");
}

function link(url: string, text: string): string {
  const href = safeHref(url);
  return href ? `<a href="${esc(href)}" rel="noreferrer noopener">${esc(text)}</a>` : esc(text);
}
