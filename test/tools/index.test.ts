import { describe, expect, it } from "vitest";
import { ALL_TOOLS, toolsFor } from "../../src/tools/index.js";

describe("toolsFor", () => {
  it("gives every run the four tools, the read-only editor to read-only runs", () => {
    expect(ALL_TOOLS.map((t) => t.name)).toEqual(["str_replace_based_edit_tool", "bash", "grep", "glob"]);
    expect(toolsFor("write")).toBe(ALL_TOOLS);
    const read = toolsFor("read");
    expect(read.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(read[0]).not.toBe(ALL_TOOLS[0]);
  });
});
