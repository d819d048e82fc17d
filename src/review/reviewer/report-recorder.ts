/**
 * `report_findings` as a tool the agent loop runs: the reviewer agent ends its review by calling it.
 * A valid report is recorded and the agent stops there. An invalid one is mended where it can be and
 * sent back once with what is wrong; the second answer is recorded whatever it holds, together with
 * the first's valid findings, so nothing the model found is lost.
 */
import { z } from "zod";
import { emptyUsage } from "../../agent/model/prices.js";
import { defineTool } from "../../tools/define-tool.js";
import type { AnyTool } from "../../tools/index.js";
import type { FindingsReport } from "../findings/finding.js";
import {
  extractReport,
  REPORT_TOOL,
  reportFindingsTool,
  unionFindings,
  type Extraction,
} from "../findings/report-tool.js";

export interface RecordedReport {
  report: FindingsReport;
  /** What could not be read, as the model wrote it; for the summary. */
  unreadable: string | undefined;
  /** False when the model was asked to correct its report and did not (yet). */
  complete: boolean;
}

export interface ReportRecorder {
  tool: AnyTool;
  /** The report once the model called the tool; a first, invalid report until it corrects it. */
  recorded(): RecordedReport | undefined;
  /** The report is final: the agent has nothing left to do. */
  done(): boolean;
}

const MAX_PROBLEMS_SHOWN = 20;

export function reportRecorder(): ReportRecorder {
  let first: Extraction | undefined;
  let final: RecordedReport | undefined;
  const tool = defineTool<unknown>({
    name: REPORT_TOOL,
    kind: "read",
    spec: reportFindingsTool,
    // Checked by extractReport, which mends common mistakes before zod decides.
    input: z.unknown(),
    subject: () => "report",
    run(input) {
      if (final) return Promise.resolve({ isError: false, content: "Already recorded." });
      const read = extractReport({
        model: "",
        content: [{ type: "tool_use", id: REPORT_TOOL, name: REPORT_TOOL, input }],
        stopReason: "tool_use",
        usage: emptyUsage(),
      });
      if (read.problems.length > 0 && !first) {
        first = read;
        return Promise.resolve({ isError: true, content: problemsMessage(read.problems) });
      }
      // A corrected report may leave out what was valid the first time: those findings are kept.
      final = first
        ? {
            report: {
              summary: read.report.summary || first.report.summary,
              files: read.report.files.length > 0 ? read.report.files : first.report.files,
              findings: unionFindings(read.report.findings, first.report.findings),
            },
            unreadable: read.problems.length > 0 ? (read.unreadable ?? first.unreadable) : undefined,
            complete: true,
          }
        : { report: read.report, unreadable: undefined, complete: true };
      return Promise.resolve({
        isError: false,
        content:
          read.problems.length === 0
            ? "Recorded."
            : "Recorded; the parts that could not be read are shown to people as you wrote them.",
      });
    },
  });
  return {
    tool,
    recorded: () =>
      final ?? (first && { report: first.report, unreadable: first.unreadable, complete: false }),
    done: () => final !== undefined,
  };
}

function problemsMessage(problems: string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
  const more = problems.length - shown.length;
  return (
    `The report does not match the schema:\n${shown.map((p) => `- ${p}`).join("\n")}` +
    (more > 0 ? `\n- and ${more} more` : "") +
    `\nCall ${REPORT_TOOL} again with the whole report, corrected.`
  );
}
