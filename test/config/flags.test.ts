import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FLAGS, unbuiltFlagNotes, type FlagName } from "../../src/config/flags.js";
import { Features, RepoConfig } from "../../src/config/schema.js";
import { flagsDocText } from "../../src/config/write-json-schema.js";

const ROOT = join(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the feature flags", () => {
  it("are listed in docs/flags.md exactly as the schema says (npm run schema regenerates it)", async () => {
    expect(readFileSync(join(ROOT, "docs/flags.md"), "utf8")).toBe(await flagsDocText());
  });

  it("each have code that reads them, unless planned (then a run says it is not built)", () => {
    const declaring = new Set(["src/config/schema.ts", "src/config/flags.ts"].map((f) => join(ROOT, f)));
    const code = sourceFiles(join(ROOT, "src"))
      .filter((file) => !declaring.has(file))
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    const unread = (Object.keys(Features.shape) as FlagName[]).filter(
      (name) => FLAGS[name].status !== "planned" && !new RegExp(`features\\.${name}\\b`).test(code),
    );
    expect(unread, "flags that promise a behaviour no code carries out").toEqual([]);
  });

  it("that are planned say so when switched on, one sentence each", () => {
    const on = RepoConfig.parse({ features: { subAgents: true, modelRouter: true, memory: true } }).features;
    expect(unbuiltFlagNotes(on)).toEqual([
      "`features.modelRouter` is on, but this version does not build it yet: free-text mentions are routed by rules, from words such as fix, explain and plan.",
    ]);
    expect(unbuiltFlagNotes(RepoConfig.parse({}).features)).toEqual([]);
  });
});
