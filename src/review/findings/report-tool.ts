/**
 * The review model hands its findings back by calling `report_findings`. Its answer is checked with
 * zod; common mistakes are mended, a still-invalid answer is re-asked once, and whatever cannot be
 * read is returned as text for the summary: a finding is never dropped silently.
 */
import { z } from "zod";
import type {
  ContentBlock,
  Message,
  ModelClient,
  ModelRequest,
  ModelResponse,
  Usage,
} from "../../agent/model-types.js";
import type { ToolSpec } from "../../tools/tool-spec.js";
import { addUsage, emptyUsage } from "../../agent/model/prices.js";
import { FileNote, Finding, FindingsReport } from "./finding.js";
import { isObject, jsonInText, repairFiles, repairFinding, unwrapReport } from "./repair.js";

export const REPORT_TOOL = "report_findings";

export const reportFindingsTool: ToolSpec = {
  kind: "custom",
  name: REPORT_TOOL,
  description:
    "Report the review, once, at the end: what the change does, a note per changed file, and the " +
    "problems found. Lines are on the new side of the diff. No praise and no 'looks good' findings.",
  inputSchema: z.toJSONSchema(FindingsReport),
};

export interface Extraction {
  /** Everything that passed the schema, after repair. */
  report: FindingsReport;
  /** What did not pass, one line per problem; empty when the whole answer was valid. */
  problems: string[];
  /** The parts that could not be read (the invalid findings as JSON, or the whole answer). */
  unreadable: string | undefined;
}

/** Reads a report out of one model answer, keeping every valid finding even when others are not. */
export function extractReport(response: ModelResponse): Extraction {
  const calls = response.content.filter(
    (b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use" && b.name === REPORT_TOOL,
  );
  const text = response.content
    .filter((b): b is Extract<ContentBlock, { type: "text" }> => b.type === "text")
    .map((b) => b.text)
    .join("\n");
  const inputs = calls.length > 0 ? calls.map((c) => c.input) : [jsonInText(text)];
  if (inputs.every((i) => i === undefined)) {
    return {
      report: emptyReport(),
      problems: [`the answer has no ${REPORT_TOOL} call and no JSON report`],
      unreadable: text.trim() || undefined,
    };
  }
  const parts = inputs.map((input, i) => readReport(input, calls.length > 1 ? `call ${i + 1}: ` : ""));
  const problems = parts.flatMap((p) => p.problems);
  const rejected = parts.flatMap((p) => p.rejected);
  const report = mergeReports(parts.map((p) => p.report));
  let unreadable: string | undefined;
  if (rejected.length > 0) unreadable = JSON.stringify(rejected, null, 2);
  else if (problems.length > 0 && report.findings.length === 0) unreadable = rawText(inputs, text);
  return { report, problems, unreadable };
}

interface ReadPart {
  report: FindingsReport;
  problems: string[];
  rejected: unknown[];
}

function readReport(input: unknown, prefix: string): ReadPart {
  const value = unwrapReport(input);
  const whole = FindingsReport.safeParse(value);
  if (whole.success) return { report: whole.data, problems: [], rejected: [] };
  const problems: string[] = [];
  const rejected: unknown[] = [];
  if (!isObject(value)) {
    return { report: emptyReport(), problems: [`${prefix}the report is not an object`], rejected: [input] };
  }
  const summary = typeof value.summary === "string" ? value.summary : "";
  if (typeof value.summary !== "string") problems.push(`${prefix}summary: expected a string`);
  const files: FileNote[] = [];
  const rawFiles = repairFiles(value.files ?? []);
  if (Array.isArray(rawFiles)) {
    // A bad file note is only a walkthrough line: dropped, not worth a second model call.
    for (const f of rawFiles) {
      const parsed = FileNote.safeParse(f);
      if (parsed.success) files.push(parsed.data);
    }
  }
  const findings: Finding[] = [];
  const rawFindings = value.findings ?? [];
  if (!Array.isArray(rawFindings)) {
    problems.push(`${prefix}findings: expected a list`);
    rejected.push(rawFindings);
  } else {
    rawFindings.forEach((raw, i) => {
      const parsed = Finding.safeParse(repairFinding(raw));
      if (parsed.success) findings.push(parsed.data);
      else {
        problems.push(...describeIssues(parsed.error, `${prefix}findings.${i}`));
        rejected.push(raw);
      }
    });
  }
  return { report: { summary, files, findings }, problems, rejected };
}

function describeIssues(error: z.ZodError, where: string): string[] {
  return error.issues.map((issue) => `${[where, ...issue.path].join(".")}: ${issue.message}`);
}

function mergeReports(reports: FindingsReport[]): FindingsReport {
  return {
    summary: reports
      .map((r) => r.summary.trim())
      .filter(Boolean)
      .join("\n\n"),
    files: reports.flatMap((r) => r.files),
    findings: reports.flatMap((r) => r.findings),
  };
}

function emptyReport(): FindingsReport {
  return { summary: "", files: [], findings: [] };
}

function rawText(inputs: unknown[], text: string): string {
  const raw = inputs.map((i) => (typeof i === "string" ? i : JSON.stringify(i, null, 2))).join("\n\n");
  return raw.trim() || text.trim();
}

export interface ReviewResult {
  report: FindingsReport;
  /** Text of the answer that could not be read even after the re-ask; for the summary. */
  unparsed: string | undefined;
  /** Sentences for the summary about what went wrong (e.g. the re-ask failed). */
  notes: string[];
  modelCalls: number;
  usage: Usage;
}

const MAX_PROBLEMS_SHOWN = 20;

/**
 * Sends the review request; if the answer does not fully pass the schema, asks once more with the
 * problems as the tool's error. Throws only if the first call fails: after that, what was read is kept.
 */
export async function reviewWithRepair(model: ModelClient, request: ModelRequest): Promise<ReviewResult> {
  const tools = request.tools.some((t) => t.name === REPORT_TOOL)
    ? request.tools
    : [...request.tools, reportFindingsTool];
  const first = await model.send({ ...request, tools });
  const firstRead = extractReport(first);
  if (firstRead.problems.length === 0) {
    return { report: firstRead.report, unparsed: undefined, notes: [], modelCalls: 1, usage: first.usage };
  }
  const retry: ModelRequest = {
    ...request,
    tools,
    messages: [...request.messages, { role: "assistant", content: first.content }, reAsk(first, firstRead)],
  };
  let second: ModelResponse;
  try {
    second = await model.send(retry);
  } catch (err) {
    return {
      report: firstRead.report,
      unparsed: firstRead.unreadable,
      notes: [`The review model's answer was partly invalid and asking again failed (${errorText(err)}).`],
      modelCalls: 2,
      usage: first.usage,
    };
  }
  const secondRead = extractReport(second);
  const usage = addUsage(addUsage(emptyUsage(), first.usage), second.usage);
  if (secondRead.problems.length === 0) {
    return { report: secondRead.report, unparsed: undefined, notes: [], modelCalls: 2, usage };
  }
  return {
    report: {
      summary: secondRead.report.summary || firstRead.report.summary,
      files: secondRead.report.files.length > 0 ? secondRead.report.files : firstRead.report.files,
      findings: unionFindings(secondRead.report.findings, firstRead.report.findings),
    },
    unparsed: secondRead.unreadable ?? firstRead.unreadable,
    notes: [],
    modelCalls: 2,
    usage,
  };
}

/** The follow-up turn: a tool_result for every tool call (the API wants one each), ours as the error. */
function reAsk(first: ModelResponse, read: Extraction): Message {
  const shown = read.problems.slice(0, MAX_PROBLEMS_SHOWN);
  const more = read.problems.length - shown.length;
  const cutOff = first.stopReason === "max_tokens" ? " Your answer was cut off: keep it shorter." : "";
  const message =
    `The report does not match the schema:\n${shown.map((p) => `- ${p}`).join("\n")}` +
    (more > 0 ? `\n- and ${more} more` : "") +
    `\nCall ${REPORT_TOOL} again with the whole report, corrected.${cutOff}`;
  const calls = first.content.filter((b) => b.type === "tool_use");
  if (calls.length === 0) return { role: "user", content: message };
  return {
    role: "user",
    content: calls.map((call) => ({
      type: "tool_result" as const,
      tool_use_id: call.id,
      content: call.name === REPORT_TOOL ? message : `Only ${REPORT_TOOL} is available here.`,
      is_error: true,
    })),
  };
}

/** The second answer's findings, plus the first's it left out (the same path, line and title). */
export function unionFindings(preferred: Finding[], earlier: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.path}\n${f.line}\n${f.title.toLowerCase()}`;
  const seen = new Set(preferred.map(key));
  return [...preferred, ...earlier.filter((f) => !seen.has(key(f)))];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
