import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_ID, repoConfigJsonSchema, settingPaths } from "../../src/config/json-schema.js";
import { RepoConfig } from "../../src/config/schema.js";

const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");

describe("docs/configuration.md", () => {
  it("documents every setting of the JSON Schema by its dotted path", () => {
    const paths = settingPaths();
    expect(paths).toEqual(
      expect.arrayContaining(["review.paths.include", "features.buddy", "commands.<name>.kind"]),
    );
    const missing = paths.filter((path) => !doc.includes(`\`${path}\``));
    expect(missing, "add these settings to docs/configuration.md").toEqual([]);
  });

  it("gives every feature flag's default in the flags table", () => {
    const flags = RepoConfig.parse({}).features;
    for (const [flag, value] of Object.entries(flags)) {
      expect(doc, flag).toMatch(new RegExp(`\\| \`features\\.${flag}\` +\\| \`${String(value)}\` +\\|`));
    }
  });

  it("points editors at the published schema", () => {
    expect(doc).toContain(`# yaml-language-server: $schema=${JSON_SCHEMA_ID}`);
    expect(JSON_SCHEMA_ID).toMatch(/\/schema\/patchwright\.schema\.json$/);
    expect((repoConfigJsonSchema() as { $id: string }).$id).toBe(JSON_SCHEMA_ID);
  });
});
