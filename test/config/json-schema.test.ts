import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JSON_SCHEMA_ID, repoConfigJsonSchema } from "../../src/config/json-schema.js";
import { validateRepoConfig } from "../../src/config/parse-repo-config.js";
import { SCHEMA_FILE, schemaFileText } from "../../src/config/write-json-schema.js";

function compile() {
  // strict mode: ajv refuses unknown keywords, so the generated schema must be plain draft 2020-12.
  return new Ajv2020({ strict: true, allErrors: true }).compile(repoConfigJsonSchema());
}

describe("the JSON Schema", () => {
  it("is draft 2020-12 with an id and a title", () => {
    expect(repoConfigJsonSchema()).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: JSON_SCHEMA_ID,
      title: expect.stringContaining("patchwright") as string,
      type: "object",
      additionalProperties: false,
    });
  });

  it("accepts what the zod schema accepts and refuses what it refuses", () => {
    const validate = compile();
    const good: unknown[] = [
      {},
      { review: { auto: true, paths: { exclude: ["docs/**"] } }, features: { memory: true } },
      { commands: { changelog: { description: "d", prompt: "p", kind: "implement" } }, model: "m" },
      { permissions: { allowedBots: ["dependabot[bot]"] }, branchPrefix: "bots/pw/" },
      {
        maintenance: {
          tasks: [{ name: "tidy-readme", schedule: "17 6 * * 1", timezone: "Europe/Paris", prompt: "p" }],
          limits: { prHourly: 1 },
          dashboard: true,
        },
      },
    ];
    const bad: unknown[] = [
      { review: { auto: "yes" } },
      { review: { autp: true } },
      { limits: { maxTurns: 0 } },
      { limits: { maxCostUsd: 0 } },
      { limits: { timeoutMinutes: 2.5 } },
      { permissions: { minimum: "owner" } },
      { features: { telepathy: true } },
      { commands: { review: { description: "d", prompt: "p" } } },
      { commands: { Fix: { description: "d", prompt: "p" } } },
      { commands: { fix: { prompt: "p" } } },
      { branchPrefix: "a..b/" },
      { branchPrefix: "bots" },
      { trigger: { phrase: "patchwright" } },
      { maintenance: { tasks: [{ name: "Tidy", schedule: "17 6 * * 1", prompt: "p" }] } },
      { maintenance: { tasks: [{ name: "tidy", schedule: "@daily", prompt: "p" }] } },
      { maintenance: { tasks: [{ name: "tidy", schedule: "17 6 * * 1" }] } },
      { maintenance: { limits: { prConcurrent: 0 } } },
      { maintenance: { ciFix: "yes" } },
      [],
    ];
    for (const value of good) {
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      expect(validateRepoConfig(value, "x").ok).toBe(true);
    }
    for (const value of bad) {
      expect(validate(value), JSON.stringify(value)).toBe(false);
      expect(validateRepoConfig(value, "x").ok, JSON.stringify(value)).toBe(false);
    }
  });

  it("accepts the complete example in docs/configuration.md", () => {
    const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    const example = /## A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const value: unknown = parse(example!);
    const validate = compile();
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(validateRepoConfig(value, "example").ok).toBe(true);
  });

  it("is committed as generated (run npm run schema)", async () => {
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    expect(committed, "schema/patchwright.schema.json is out of date: run npm run schema").toBe(
      await schemaFileText(),
    );
    expect(JSON.parse(committed)).toEqual(repoConfigJsonSchema());
  });
});
