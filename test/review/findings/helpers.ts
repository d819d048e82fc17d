import type { ModelResponse } from "../../../src/agent/model-types.js";
import { textResponse } from "../../../src/agent/model/replay-model.js";
import type { Finding } from "../../../src/review/findings/finding.js";

/** A model answer that calls one tool with `input`. */
export function toolResponse(name: string, input: unknown, id = "toolu_1"): ModelResponse {
  return textResponse("", { content: [{ type: "tool_use", id, name, input }], stopReason: "tool_use" });
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    path: "src/upload.ts",
    line: 12,
    severity: "major",
    category: "bug",
    title: "The stream is read after it is closed",
    body: "`close()` runs before the last `read()`, so the tail of the file is lost.",
    ...overrides,
  };
}
