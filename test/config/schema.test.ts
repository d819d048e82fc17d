import { describe, expect, expectTypeOf, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { schemaNodeAt, settingPaths } from "../../src/config/json-schema.js";
import { RepoConfig } from "../../src/config/schema.js";
import { BUILT_IN_COMMANDS } from "../../src/config/built-in-commands.js";

describe("RepoConfig", () => {
  it("parses {} to the full default config", () => {
    expect(RepoConfig.parse({})).toEqual({
      trigger: { phrase: "@patchwright", label: "patchwright" },
      permissions: { minimum: "write", replyToUnauthorized: false, allowedBots: [] },
      review: {
        auto: false,
        drafts: false,
        paths: { include: ["**"], exclude: [] },
        profile: "chill",
        maxComments: 10,
        requestChanges: false,
        instructions: "",
        pathInstructions: [],
      },
      limits: { maxTurns: 60, maxCostUsd: 5, timeoutMinutes: 30 },
      branchPrefix: "patchwright/",
      commands: {},
      guard: GuardConfig.parse({}),
      pullRequests: { draft: true, forks: "explain" },
      workflows: { allowChanges: false },
      agent: {
        rules: [],
        env: [],
        network: false,
        commandTimeoutSeconds: 300,
        testCommand: "",
        compactAt: 0.45,
        subAgentConcurrency: 3,
        coordinator: "auto",
      },
      features: {
        buddy: false,
        frustrationSignals: true,
        modelRouter: false,
        memory: false,
        subAgents: false,
      },
      maintenance: {
        tasks: [],
        limits: { prHourly: 2, prConcurrent: 10 },
        dashboard: false,
        ciFix: false,
      },
    });
    expect(RepoConfig.parse({}).model).toBeUndefined();
    expect(RepoConfig.parse({}).maintenance.dream).toBeUndefined();
  });

  it("gives every parse its own default lists, so changing one config cannot change another", () => {
    const a = RepoConfig.parse({});
    a.review.paths.include.push("src/**");
    a.guard.allow.paths.push("x");
    a.permissions.allowedBots.push("x[bot]");
    const b = RepoConfig.parse({});
    expect(b.review.paths.include).toEqual(["**"]);
    expect(b.guard.allow.paths).toEqual([]);
    expect(b.permissions.allowedBots).toEqual([]);
  });

  it("keeps the leak guard's own type and checks for the guard section", () => {
    expectTypeOf<RepoConfig["guard"]>().toEqualTypeOf<GuardConfig>();
    const guard = { forbiddenTermHashes: ["nope"], allow: { rules: [] } };
    expect(RepoConfig.safeParse({ guard }).success).toBe(GuardConfig.safeParse(guard).success);
    expect(RepoConfig.safeParse({ guard: { allow: { pathz: [] } } }).success).toBe(false);
  });

  it("rejects unknown keys at every level", () => {
    for (const bad of [
      { extra: 1 },
      { review: { extra: 1 } },
      { review: { paths: { extra: 1 } } },
      { review: { pathInstructions: [{ path: "a", instructions: "b", extra: 1 }] } },
      { commands: { fix: { description: "", prompt: "p", extra: 1 } } },
      { guard: { allow: { extra: 1 } } },
      { features: { telepathy: true } },
      { workflows: { extra: 1 } },
      { limits: { extra: 1 } },
      { trigger: { extra: 1 } },
      { permissions: { extra: 1 } },
      { maintenance: { extra: 1 } },
      { maintenance: { limits: { extra: 1 } } },
      { maintenance: { tasks: [{ name: "a", schedule: "0 6 * * *", prompt: "p", extra: 1 }] } },
      { maintenance: { dream: { schedule: "0 3 * * *", extra: 1 } }, features: { memory: true } },
    ]) {
      expect(RepoConfig.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("accepts command names that are not built in, and only those", () => {
    const command = { description: "d", prompt: "p" };
    const ok = RepoConfig.parse({ commands: { changelog: command, "fix-2": command } });
    expect(ok.commands.changelog).toEqual({ ...command, kind: "answer" });
    for (const name of [...BUILT_IN_COMMANDS, "Fix", "2fix", "a_b", "", "x".repeat(33)]) {
      expect(RepoConfig.safeParse({ commands: { [name]: command } }).success, name).toBe(false);
    }
  });

  it("checks the trigger phrase, bot logins and the branch prefix", () => {
    const valid = (v: object): boolean => RepoConfig.safeParse(v).success;
    expect(valid({ trigger: { phrase: "@my-bot" } })).toBe(true);
    for (const phrase of ["patchwright", "@", "@-bot", "@bot-", "@a--b", "@a b", `@${"a".repeat(40)}`]) {
      expect(valid({ trigger: { phrase } }), phrase).toBe(false);
    }
    expect(valid({ permissions: { allowedBots: ["dependabot[bot]", "renovate[bot]"] } })).toBe(true);
    expect(valid({ permissions: { allowedBots: ["octocat"] } })).toBe(false);
    for (const prefix of ["patchwright/", "bots/agent/", "pw-"]) {
      expect(valid({ branchPrefix: prefix }), prefix).toBe(prefix.endsWith("/"));
    }
    for (const prefix of ["a b/", "a..b/", "/a/", "-a/", ".a/", "a/.b/", "a.lock/", "a//b/", "a~/", "a^/"]) {
      expect(valid({ branchPrefix: prefix }), prefix).toBe(false);
    }
    for (const prefix of ["a:/", "a?/", "a*/", "a[/", "a\\/", "a@{/", "a\t/", "a\x7f/", "a"]) {
      expect(valid({ branchPrefix: prefix }), JSON.stringify(prefix)).toBe(false);
    }
  });

  it("checks maintenance tasks: cron, time zone, unique slug names, and dreaming only with memory", () => {
    const valid = (v: object): boolean => RepoConfig.safeParse(v).success;
    const task = { name: "tidy-readme", schedule: "17 6 * * 1", prompt: "p" };
    expect(valid({ maintenance: { tasks: [task] } })).toBe(true);
    expect(valid({ maintenance: { tasks: [{ ...task, timezone: "America/Argentina/Buenos_Aires" }] } })).toBe(
      true,
    );
    for (const timezone of ["Etc/GMT+1", "US/Eastern", "UTC"]) {
      expect(valid({ maintenance: { tasks: [{ ...task, timezone }] } }), timezone).toBe(true);
    }
    for (const timezone of ["Paris", "+01:00", "UTC+1", "", "Europe/Pariss"]) {
      expect(valid({ maintenance: { tasks: [{ ...task, timezone }] } }), timezone).toBe(false);
    }
    for (const schedule of ["17 6 * * 1 2025", "@daily", "17 6 * *", "60 6 * * 1", "H 6 * * 1"]) {
      expect(valid({ maintenance: { tasks: [{ ...task, schedule }] } }), schedule).toBe(false);
    }
    for (const name of [
      "Tidy",
      "tidy_readme",
      "-tidy",
      "tidy-",
      "a--b",
      "",
      "x".repeat(51),
      "ci-fix",
      "dream",
    ]) {
      expect(valid({ maintenance: { tasks: [{ ...task, name }] } }), name).toBe(false);
    }
    expect(valid({ maintenance: { tasks: [task, { ...task, schedule: "0 0 * * *" }] } })).toBe(false);
    expect(valid({ maintenance: { tasks: [task, { ...task, name: "tidy-docs" }] } })).toBe(true);
    expect(
      valid({ maintenance: { tasks: Array.from({ length: 101 }, (_, i) => ({ ...task, name: `t${i}` })) } }),
    ).toBe(false);
    const dream = { schedule: "0 3 * * *" };
    expect(valid({ maintenance: { dream } })).toBe(false);
    expect(valid({ maintenance: { dream }, features: { memory: true } })).toBe(true);
    expect(
      valid({ maintenance: { dream: { ...dream, timezone: "Mars/Base" } }, features: { memory: true } }),
    ).toBe(false);
  });

  it("describes every field in one sentence, for the JSON Schema and the docs", () => {
    const undescribed = settingPaths().filter((path) => {
      const segments = path
        .replace(/\[\]/g, ".[]")
        .split(".")
        .map((s) => (s === "[]" ? 0 : s === "<name>" ? "any-name" : s));
      return !schemaNodeAt(segments)?.description;
    });
    expect(undescribed).toEqual([]);
  });
});
