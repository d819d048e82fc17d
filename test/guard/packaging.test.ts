import { describe, expect, it } from "vitest";
import { textBlock } from "../../src/guard/block.js";
import { GuardConfig } from "../../src/guard/config.js";
import { Guard } from "../../src/guard/engine.js";
import { PACKAGING_RULES } from "../../src/guard/rules/packaging.js";

const guard = new Guard(PACKAGING_RULES, GuardConfig.parse({}));
const scan = (path: string, text: string) => guard.scanBlock(textBlock(text, "package", path));
// Built at run time: the literal marker in a source file would be a finding in this repository's own scan.
const marker = "//" + "# sourceMappingURL=data:application/json;base64,";

describe("packaging leaks", () => {
  it("flags source maps that embed their sources", () => {
    const map = JSON.stringify({
      version: 3,
      sources: ["a.ts"],
      sourcesContent: ["export const x = 1;\n"],
      mappings: "AAAA",
    });
    expect(scan("dist/cli.js.map", map)).toMatchObject([{ ruleId: "source-map-sources-content", line: 1 }]);
    const nulls = JSON.stringify({ version: 3, sourcesContent: [null, "secret sauce"] }, null, 2);
    expect(scan("dist/cli.js.map", nulls)).toHaveLength(1);
  });

  it("accepts source maps without embedded sources", () => {
    expect(
      scan("dist/cli.js.map", JSON.stringify({ version: 3, sources: ["a.ts"], mappings: "AAAA" })),
    ).toEqual([]);
    expect(scan("dist/cli.js.map", JSON.stringify({ version: 3, sourcesContent: [] }))).toEqual([]);
    expect(scan("dist/cli.js.map", JSON.stringify({ version: 3, sourcesContent: [null, null] }))).toEqual([]);
    // Only map files are source maps.
    expect(scan("src/check.ts", 'const key = "sourcesContent"; // ["x"]')).toEqual([]);
  });

  it("flags inline data: source maps in any file", () => {
    const js = `console.log(1);\n${marker}eyJ2ZXJzaW9uIjozfQ==\n`;
    expect(scan("dist/index.js", js)).toMatchObject([{ ruleId: "inline-source-map", line: 2 }]);
    expect(scan("dist/index.js", "//# sourceMappingURL=index.js.map\n")).toEqual([]);
  });
});
