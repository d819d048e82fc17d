import type { AgentNode, AgentResult } from "../agent/events.js";
import { neutraliseMarkers } from "../github/markers.js";
import type { Finding } from "../guard/finding.js";
import type { ProgressItem } from "../tools/progress-tool.js";

export type RunOutcome =
  | "pr_opened"
  | "pushed"
  | "answered"
  | "planned"
  | "patch"
  | "reviewed"
  | "review_skipped"
  | "no_changes"
  | "blocked"
  | "refused"
  | "limit"
  | "waiting"
  | "skipped"
  | "failed"
  | "stopped";

/** What a run ends with, for the tracking comment, the Action's summary and outputs, and the log. */
export interface RunReport {
  outcome: RunOutcome;
  /** One plain sentence: what happened, and what to do if it went wrong. */
  headline: string;
  /** Why the run took another course than asked (frustration noticed in the thread), in one line. */
  courseChange?: string;
  /** Markdown under the headline: the answer, the plan, the patch, the model's own account. */
  details?: string;
  branch?: string;
  pullRequest?: { number: number; url: string };
  links: { label: string; url: string }[];
  agent?: AgentResult;
  /** The test command and whether it passed. */
  tests?: string;
  /** What confined the agent's commands (bubblewrap, a separate user, none), or why they were refused. */
  sandbox?: string;
  /** Things the person should know about how the run went (instruction files cut, flags not built). */
  notes?: string[];
  /** A dry run of dreaming: the diff it would have committed (guarded), for a dashboard to show. */
  dreamDiff?: string;
  elapsedMs: number;
}

const ICON: Record<RunOutcome, string> = {
  pr_opened: "✅",
  pushed: "✅",
  answered: "💬",
  planned: "📝",
  patch: "🩹",
  reviewed: "🔎",
  review_skipped: "⚪",
  no_changes: "⚪",
  blocked: "⛔",
  refused: "⛔",
  limit: "⏱️",
  waiting: "⏳",
  skipped: "⚪",
  failed: "❌",
  stopped: "⏹️",
};

export function renderReport(report: RunReport): string {
  const lines = [`${ICON[report.outcome]} **patchwright** — ${report.headline}`];
  if (report.courseChange) lines.push("", report.courseChange);
  // The model's words: a marker in them must not pass for one of ours (a forged plan, a forged trigger).
  if (report.details?.trim()) lines.push("", neutraliseMarkers(cut(report.details.trim())));
  if (report.agent?.agents?.length) {
    lines.push(
      "",
      "<details><summary>Sub-agents</summary>",
      "",
      ...agentTree(report.agent.agents).map(neutraliseMarkers),
      "",
      "</details>",
    );
  }
  if (report.notes?.length)
    lines.push("", ...report.notes.map((n) => `> [!NOTE]\n> ${neutraliseMarkers(n)}`));
  const links = report.links.map((l) => `[${l.label}](${l.url})`);
  if (report.branch) links.unshift(`branch \`${report.branch}\``);
  if (links.length) lines.push("", links.join(" · "));
  lines.push("", `<sub>${figures(report)}</sub>`);
  return lines.join("\n");
}

// Room under GitHub's 65,536 characters for the headline, links, figures and the marker.
const MAX_DETAILS_CHARS = 40_000;

function cut(text: string): string {
  return text.length <= MAX_DETAILS_CHARS
    ? text
    : `${text.slice(0, MAX_DETAILS_CHARS)}\n\n…(cut: ${text.length - MAX_DETAILS_CHARS} more characters did not fit in a comment)`;
}

/**
 * The sub-agents as an indented list, one line each with its own figures; the run's figures below the
 * report are the whole tree's. Descriptions are the model's words: kept to one line.
 */
export function agentTree(nodes: readonly AgentNode[], depth = 0): string[] {
  return nodes.flatMap((n) => {
    const merge = !n.merge
      ? ""
      : "commit" in n.merge
        ? ", merged"
        : `, not merged (conflicts: ${n.merge.conflicts.join(", ") || "none named"})`;
    const line =
      `${"  ".repeat(depth)}- ${n.name} (${n.mode}: ${n.description.replace(/\s+/g, " ").slice(0, 120)}): ` +
      `${n.outcome}, ${n.turns} turn${n.turns === 1 ? "" : "s"}, $${n.costUsd.toFixed(2)}${merge}`;
    return [line, ...agentTree(n.children, depth + 1)];
  });
}

export function figures(report: Pick<RunReport, "agent" | "tests" | "elapsedMs" | "sandbox">): string {
  const parts: string[] = [];
  const a = report.agent;
  if (a) {
    const tokens = a.usage.inputTokens + a.usage.outputTokens;
    parts.push(
      `${a.turns} turn${a.turns === 1 ? "" : "s"}`,
      `${tokens.toLocaleString("en-US")} tokens`,
      `$${a.costUsd.toFixed(2)}${a.costKnown ? "" : " (estimated)"}`,
    );
  }
  if (report.tests) parts.push(`tests: ${report.tests}`);
  if (report.sandbox) parts.push(`sandbox: ${report.sandbox}`);
  parts.push(duration(report.elapsedMs));
  return parts.join(" · ");
}

/** A guard block, redacted: which rule, where, and how to go on. Values never appear. */
export function blockedDetails(findings: readonly Finding[]): string {
  const shown = findings.slice(0, 20).map((f) => {
    const where = f.path ? `\`${f.path}\`${f.line ? ` line ${f.line}` : ""}` : f.where;
    return `- \`${f.ruleId}\` in ${where}: ${f.redacted}`;
  });
  if (findings.length > shown.length) shown.push(`- …and ${findings.length - shown.length} more`);
  return [
    ...shown,
    "",
    "If a finding is a false positive, allow its path, rule or value in `guard.allow` in " +
      "`.github/patchwright.yml` and ask again (a `patchwright:allow` marker does not count in what " +
      "patchwright writes); otherwise ask for the change without it.",
  ].join("\n");
}

export interface ProgressState {
  kind: string;
  checklist: ProgressItem[];
  step: string;
  elapsedMs: number;
  followUrl: string | undefined;
}

export function renderProgress(p: ProgressState): string {
  const lines = [
    `⏳ **patchwright** is working on this ${p.kind} request` +
      (p.followUrl ? ` — [follow the run](${p.followUrl})` : "") +
      ".",
  ];
  if (p.checklist.length) {
    lines.push("", ...p.checklist.map((i) => `- [${i.done ? "x" : " "}] ${i.text.replace(/\s+/g, " ")}`));
  }
  lines.push("", `<sub>${p.step} · ${duration(p.elapsedMs)} so far</sub>`);
  return lines.join("\n");
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
