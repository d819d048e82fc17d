import type { QueueCount } from "../../runs/queue/durable-queue.js";
import type { DailyCost, RunFilter, RunRecord, RunState } from "../../runs/run-log/run-store.js";
import { esc, layout, usd, when } from "./html.js";

export interface DashboardData {
  filter: RunFilter;
  runs: RunRecord[];
  states: Record<RunState, number>;
  queue: QueueCount[] | undefined;
  costs: DailyCost[];
  guardBlocks: RunRecord[];
  failures: RunRecord[];
  repositories: string[];
  kinds: readonly string[];
  outcomes: readonly string[];
}

export interface DashboardLinks {
  /** The run's page, with its token. */
  page(id: string): string;
  /** The form field that proves a cancel was posted from this dashboard. */
  csrf: string;
}

export function renderDashboard(d: DashboardData, links: DashboardLinks): string {
  const queueDepth = d.queue
    ? d.queue
        .filter((c) => c.state === "waiting" || c.state === "active" || c.state === "delayed")
        .map((c) => `${c.queue} ${c.state}: ${c.count}`)
        .join(" · ") || "empty"
    : "the queue does not answer";
  const cards = (["queued", "running", "finished", "dropped"] as const)
    .map((s) => `<div class="card">${esc(s)}<b>${esc(d.states[s])}</b></div>`)
    .join("");
  const body = [
    "<main>",
    '<div class="muted">patchwright · operator dashboard · <form class="inline" method="post" action="/logout"><button>Sign out</button></form></div>',
    "<h1>Runs</h1>",
    `<div class="cards">${cards}</div>`,
    `<p>Queue: ${esc(queueDepth)}</p>`,
    filters(d),
    runTable(d.runs, links, true),
    "<h2>Cost per repository per day (last 14 days)</h2>",
    costChart(d.costs),
    costTable(d.costs),
    "<h2>Leak guard blocks</h2>",
    d.guardBlocks.length ? runTable(d.guardBlocks, links, false) : "<p>None.</p>",
    "<h2>Failures</h2>",
    d.failures.length ? runTable(d.failures, links, false) : "<p>None.</p>",
    '<p class="muted">JSON: <a href="/dashboard.json">/dashboard.json</a> (the same filters apply).</p>',
    "</main>",
  ].join("\n");
  return layout("patchwright dashboard", body);
}

function filters(d: DashboardData): string {
  const select = (
    name: string,
    label: string,
    values: readonly string[],
    chosen: string | undefined,
  ): string =>
    `<label>${esc(label)} <select name="${esc(name)}"><option value="">any</option>${values
      .map((v) => `<option value="${esc(v)}"${v === chosen ? " selected" : ""}>${esc(v)}</option>`)
      .join("")}</select></label>`;
  return [
    '<form class="filters" method="get" action="/">',
    select("repository", "Repository", d.repositories, d.filter.repository),
    select("kind", "Kind", d.kinds, d.filter.kind),
    select("outcome", "Outcome", d.outcomes, d.filter.outcome),
    select("state", "State", ["queued", "running", "finished", "dropped"], d.filter.state),
    "<button>Filter</button></form>",
  ].join("");
}

function runTable(runs: RunRecord[], links: DashboardLinks, withCancel: boolean): string {
  if (!runs.length) return "<p>No runs match.</p>";
  const rows = runs.map((r) => {
    const cancel =
      withCancel && (r.state === "queued" || r.state === "running")
        ? `<form class="inline" method="post" action="/runs/${esc(encodeURIComponent(r.id))}/cancel"><input type="hidden" name="csrf" value="${esc(links.csrf)}"><button>Cancel</button></form>`
        : "";
    return [
      `<tr data-run="${esc(r.id)}">`,
      `<td><a href="${esc(links.page(r.id))}">${esc(r.id)}</a></td>`,
      `<td>${esc(r.repository)}${r.thread !== undefined ? ` #${esc(r.thread)}` : ""}</td>`,
      `<td>${esc(r.kind)}</td>`,
      `<td>@${esc(r.author)}</td>`,
      `<td><span class="badge state-${esc(r.state)}">${esc(r.state)}</span></td>`,
      `<td class="outcome-${esc(r.outcome ?? "")}">${esc(r.outcome ?? "")}</td>`,
      `<td>${esc(usd(r.costUsd))}</td>`,
      `<td>${esc(when(r.createdAt))}</td>`,
      `<td>${esc((r.headline ?? "").slice(0, 160))}</td>`,
      `<td>${cancel}</td>`,
      "</tr>",
    ].join("");
  });
  return `<table><thead><tr><th>Run</th><th>Where</th><th>Kind</th><th>Asked by</th><th>State</th><th>Outcome</th><th>Cost</th><th>Queued</th><th>Headline</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const PALETTE = ["#0969da", "#8250df", "#1a7f37", "#bf8700", "#cf222e", "#57606a"];

/**
 * Stacked bars, one per day, one colour per repository (the five costliest; the rest together). Inline
 * SVG with presentation attributes only: no script, no style attribute, so the CSP holds.
 */
export function costChart(costs: DailyCost[]): string {
  if (!costs.length) return "<p>No cost recorded yet.</p>";
  const days = [...new Set(costs.map((c) => c.day))].sort();
  const totals = new Map<string, number>();
  for (const c of costs) totals.set(c.repository, (totals.get(c.repository) ?? 0) + c.costUsd);
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([r]) => r);
  const series = [...top, ...(totals.size > top.length ? ["other"] : [])];
  const byDay = new Map<string, Map<string, number>>();
  for (const c of costs) {
    const key = top.includes(c.repository) ? c.repository : "other";
    const day = byDay.get(c.day) ?? new Map<string, number>();
    day.set(key, (day.get(key) ?? 0) + c.costUsd);
    byDay.set(c.day, day);
  }
  const max = Math.max(
    ...days.map((d) => [...(byDay.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0)),
    0.0001,
  );
  const width = 720;
  const height = 220;
  const left = 50;
  const bottom = 30;
  const barWidth = Math.min(48, Math.max(4, Math.floor((width - left - 10) / days.length) - 4));
  const scale = (height - bottom - 10) / max;
  const bars: string[] = [];
  days.forEach((day, i) => {
    let y = height - bottom;
    const x = left + i * (barWidth + 4);
    for (const [j, repo] of series.entries()) {
      const value = byDay.get(day)?.get(repo) ?? 0;
      if (!value) continue;
      const h = Math.max(1, value * scale);
      y -= h;
      bars.push(
        `<rect x="${x}" y="${y.toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}" fill="${PALETTE[j % PALETTE.length]}"><title>${esc(`${repo} ${day}: ${usd(value)}`)}</title></rect>`,
      );
    }
    if (days.length <= 14 || i % Math.ceil(days.length / 14) === 0)
      bars.push(
        `<text x="${x}" y="${height - bottom + 14}" font-size="10" fill="currentColor">${esc(day.slice(5))}</text>`,
      );
  });
  const legend = series
    .map((repo, j) => `<tspan fill="${PALETTE[j % PALETTE.length]}">■</tspan> ${esc(repo)}`)
    .join("  ");
  return [
    `<svg class="chart" viewBox="0 0 ${width} ${height + 20}" role="img" aria-label="cost per repository per day">`,
    `<text x="4" y="14" font-size="10" fill="currentColor">${esc(usd(max))}</text>`,
    `<line x1="${left - 4}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="currentColor" stroke-width="0.5"/>`,
    ...bars,
    `<text x="${left}" y="${height + 12}" font-size="11" fill="currentColor">${legend}</text>`,
    "</svg>",
  ].join("");
}

function costTable(costs: DailyCost[]): string {
  if (!costs.length) return "";
  const rows = [...costs]
    .reverse()
    .slice(0, 50)
    .map(
      (c) => `<tr><td>${esc(c.day)}</td><td>${esc(c.repository)}</td><td>${esc(usd(c.costUsd))}</td></tr>`,
    );
  return `<details><summary>As a table</summary><table><thead><tr><th>Day</th><th>Repository</th><th>Cost</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`;
}
