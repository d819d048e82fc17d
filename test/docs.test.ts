import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULE_CATALOG } from "../src/guard/rules/index.js";

const doc = readFileSync(new URL("../docs/leak-guard.md", import.meta.url), "utf8");

describe("docs/leak-guard.md", () => {
  it("documents every rule the guard can report", () => {
    const missing = RULE_CATALOG.map((r) => r.id).filter((id) => !doc.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
