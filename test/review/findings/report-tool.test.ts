import { describe, expect, it } from "vitest";
import { ModelError, type ContentBlock } from "../../../src/agent/model-types.js";
import { ScriptedModel, textResponse } from "../../../src/agent/model/replay-model.js";
import {
  extractReport,
  REPORT_TOOL,
  reportFindingsTool,
  reviewWithRepair,
} from "../../../src/review/findings/report-tool.js";
import { finding, toolResponse } from "./helpers.js";

const request = {
  model: "claude-sonnet-4-6",
  system: [{ text: "Review the diff." }],
  messages: [{ role: "user" as const, content: "the diff" }],
  tools: [],
  maxTokens: 4000,
};

const valid = {
  summary: "Adds retries.",
  files: [{ path: "src/upload.ts", note: "Retries." }],
  findings: [finding()],
};

describe("the report_findings tool", () => {
  it("describes the report with the zod schema's JSON schema", () => {
    expect(reportFindingsTool).toMatchObject({ kind: "custom", name: REPORT_TOOL });
    if (reportFindingsTool.kind !== "custom") throw new Error("not custom");
    const schema = reportFindingsTool.inputSchema as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(["summary", "files", "findings"]);
    expect(JSON.stringify(schema.properties.findings)).toContain('"critical","major","minor","nit"');
  });
});

describe("extractReport", () => {
  it("reads a valid call as it is", () => {
    expect(extractReport(toolResponse(REPORT_TOOL, valid))).toEqual({
      report: valid,
      problems: [],
      unreadable: undefined,
    });
  });

  it("repairs the common mistakes", () => {
    const input = {
      report: {
        summary: "Adds retries.",
        findings: [
          { ...finding(), line: "12-15", severity: "HIGH" },
          { ...finding({ title: "Unused import" }), line: "L3", severity: "info", category: "Readability" },
          { ...finding({ title: "Retries forever" }), line: 20, severity: "low", start_line: "18" },
          {
            file: "src/a.ts",
            line: 4,
            severity: "Medium",
            category: "perf",
            title: "x".repeat(120),
            explanation: "Quadratic.",
            suggestion: "```ts\nconst s = new Set(a);\n```",
          },
        ],
      },
    };
    const { report, problems } = extractReport(toolResponse(REPORT_TOOL, input));
    expect(problems).toEqual([]);
    expect(report.files).toEqual([]);
    expect(report.findings.map((f) => [f.startLine, f.line, f.severity, f.category])).toEqual([
      [12, 15, "major", "bug"],
      [undefined, 3, "nit", "maintainability"],
      [18, 20, "minor", "bug"],
      [undefined, 4, "minor", "performance"],
    ]);
    expect(report.findings[3]).toMatchObject({
      path: "src/a.ts",
      body: "Quadratic.",
      suggestion: "const s = new Set(a);",
    });
    expect(report.findings[3]?.title).toHaveLength(100);
  });

  it("reads JSON written as text, in a fence, when the tool was not called", () => {
    const text = `Here is my review:\n\n\`\`\`json\n${JSON.stringify(valid)}\n\`\`\`\n`;
    expect(extractReport(textResponse(text)).report).toEqual(valid);
  });

  it("reads a tool input given as a JSON string, and a bare list of findings", () => {
    expect(extractReport(toolResponse(REPORT_TOOL, JSON.stringify(valid))).report).toEqual(valid);
    const bare = extractReport(toolResponse(REPORT_TOOL, [finding()]));
    expect(bare.report.findings).toEqual([finding()]);
    expect(bare.problems).toEqual(["summary: expected a string"]);
  });

  it("keeps every valid finding when others are invalid, and says what is wrong", () => {
    const bad = { path: "src/b.ts", line: "somewhere", severity: "major", category: "bug", title: "Leak" };
    const result = extractReport(toolResponse(REPORT_TOOL, { ...valid, findings: [finding(), bad] }));
    expect(result.report.findings).toEqual([finding()]);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^findings\.1\.line: /),
        expect.stringMatching(/^findings\.1\.body: /),
      ]),
    );
    expect(JSON.parse(result.unreadable!)).toEqual([bad]);
  });

  it("says so when there is no report at all", () => {
    const result = extractReport(textResponse("The change looks fine to me."));
    expect(result.report.findings).toEqual([]);
    expect(result.problems).toEqual([`the answer has no ${REPORT_TOOL} call and no JSON report`]);
    expect(result.unreadable).toBe("The change looks fine to me.");
  });
});

describe("reviewWithRepair", () => {
  const invalid = {
    ...valid,
    findings: [finding(), { ...finding({ title: "Second" }), severity: "urgent" }],
  };

  it("re-asks once with the schema errors as the tool's error, and takes the corrected report", async () => {
    const corrected = { ...valid, findings: [finding(), finding({ title: "Second", severity: "critical" })] };
    const model = new ScriptedModel([
      toolResponse(REPORT_TOOL, invalid, "call_a"),
      toolResponse(REPORT_TOOL, corrected),
    ]);
    const result = await reviewWithRepair(model, request);
    expect(result.report).toEqual(corrected);
    expect(result.unparsed).toBeUndefined();
    expect(result.modelCalls).toBe(2);
    expect(result.usage.inputTokens).toBe(20);
    expect(model.requests[0]?.tools.map((t) => t.name)).toEqual([REPORT_TOOL]);
    const [, assistant, reAsk] = model.requests[1]!.messages;
    expect(assistant?.role).toBe("assistant");
    const block = (reAsk?.content as ContentBlock[])[0];
    expect(block).toMatchObject({ type: "tool_result", tool_use_id: "call_a", is_error: true });
    expect(block?.type === "tool_result" && block.content).toMatch(/findings\.1\.severity: /);
  });

  it("keeps what could be read, and the rest as text, when the second answer is still invalid", async () => {
    const stillBad = {
      summary: "Adds retries.",
      files: [],
      findings: [{ ...finding({ title: "Second" }), severity: "urgent" }],
    };
    const model = new ScriptedModel([
      toolResponse(REPORT_TOOL, invalid),
      toolResponse(REPORT_TOOL, stillBad),
    ]);
    const result = await reviewWithRepair(model, request);
    expect(result.report.findings).toEqual([finding()]);
    expect(result.report.files).toEqual(valid.files);
    expect(result.unparsed).toContain('"urgent"');
    expect(model.requests).toHaveLength(2);
  });

  it("re-asks in words when the model did not call the tool, and returns its text if it never does", async () => {
    const model = new ScriptedModel([textResponse("Looks fine."), textResponse("Still fine, really.")]);
    const result = await reviewWithRepair(model, request);
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({
      role: "user",
      content: expect.stringContaining(REPORT_TOOL),
    });
    expect(result.report.findings).toEqual([]);
    expect(result.unparsed).toBe("Still fine, really.");
  });

  it("keeps the first answer's findings when asking again fails", async () => {
    const model = new ScriptedModel((_req, index) => {
      if (index === 0) return toolResponse(REPORT_TOOL, invalid);
      throw new ModelError("overloaded", "Anthropic's API is overloaded; try again later.");
    });
    const result = await reviewWithRepair(model, request);
    expect(result.report.findings).toEqual([finding()]);
    expect(result.unparsed).toContain('"urgent"');
    expect(result.notes[0]).toMatch(/asking again failed \(Anthropic's API is overloaded/);
  });

  it("does not re-ask when the answer is valid", async () => {
    const model = new ScriptedModel([toolResponse(REPORT_TOOL, valid)]);
    expect((await reviewWithRepair(model, request)).modelCalls).toBe(1);
  });
});
