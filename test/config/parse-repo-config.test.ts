import { describe, expect, it } from "vitest";
import {
  formatConfigError,
  parseRepoConfig,
  validateRepoConfig,
  type ConfigResult,
} from "../../src/config/parse-repo-config.js";
import { RepoConfig } from "../../src/config/schema.js";

const FILE = ".github/patchwright.yml";

function sentence(result: ConfigResult): string {
  if (result.ok) throw new Error("expected an error, the config was valid");
  return formatConfigError(result.error);
}

const says = (text: string): string => sentence(parseRepoConfig(text, FILE));

describe("parseRepoConfig", () => {
  it("reads an empty file, or one holding only comments, as the defaults", () => {
    for (const text of ["", "\n", "# nothing yet\n# really\n", "---\n"]) {
      expect(parseRepoConfig(text, FILE), JSON.stringify(text)).toEqual({
        ok: true,
        config: RepoConfig.parse({}),
      });
    }
  });

  it("reads the settings it is given and defaults the rest", () => {
    const result = parseRepoConfig(
      "review:\n  auto: true\nlimits:\n  maxCostUsd: 0.5\nmodel: my-model\n",
      FILE,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.review).toMatchObject({ auto: true, drafts: false, maxComments: 10 });
    expect(result.config.limits).toEqual({ maxTurns: 60, maxCostUsd: 0.5, timeoutMinutes: 30 });
    expect(result.config.model).toBe("my-model");
  });

  it("names the file and the field of a value of the wrong type", () => {
    expect(says("review:\n  auto: yes\n")).toBe(`${FILE}: \`review.auto\` must be true or false, not "yes".`);
    expect(says("limits:\n  maxTurns: ten\n")).toBe(
      `${FILE}: \`limits.maxTurns\` must be a number, not "ten".`,
    );
    expect(says("limits:\n  timeoutMinutes: 2.5\n")).toBe(
      `${FILE}: \`limits.timeoutMinutes\` must be a whole number, not 2.5.`,
    );
    expect(says("review:\n  paths:\n    include: src/**\n")).toBe(
      `${FILE}: \`review.paths.include\` must be a list, not "src/**".`,
    );
    expect(says("review: true\n")).toBe(`${FILE}: \`review\` must be a mapping, not true.`);
    expect(says("review:\n")).toBe(`${FILE}: \`review\` must be a mapping, not empty.`);
    expect(says("review:\n  instructions: [a]\n")).toBe(
      `${FILE}: \`review.instructions\` must be a string, not a list.`,
    );
    expect(says("review:\n  pathInstructions:\n    - path: src/**\n")).toBe(
      `${FILE}: \`review.pathInstructions[0].instructions\` is required.`,
    );
  });

  it("names an unknown key, suggesting a close known one", () => {
    expect(says("review:\n  autp: true\n")).toBe(
      `${FILE}: \`review.autp\` is not a setting (did you mean \`auto\`?)`,
    );
    expect(says("review:\n  max_comments: 3\n")).toBe(
      `${FILE}: \`review.max_comments\` is not a setting (did you mean \`maxComments\`?)`,
    );
    expect(says("Review: {}\n")).toBe(`${FILE}: \`Review\` is not a setting (did you mean \`review\`?)`);
    expect(says("features:\n  buddi: true\n")).toBe(
      `${FILE}: \`features.buddi\` is not a setting (did you mean \`buddy\`?)`,
    );
    // A setting written at the wrong level.
    expect(says("maxTurns: 3\n")).toBe(
      `${FILE}: \`maxTurns\` is not a setting (did you mean \`limits.maxTurns\`?)`,
    );
  });

  it("lists the settings when no known key is close", () => {
    expect(says("features:\n  telepathy: true\n")).toBe(
      `${FILE}: \`features.telepathy\` is not a setting; the settings under \`features\` are \`buddy\`, ` +
        "`frustrationSignals`, `modelRouter`, `memory` and `subAgents`.",
    );
    expect(says("colour: blue\n")).toMatch(
      /^\S+: `colour` is not a setting; the top-level settings are `trigger`, /,
    );
    expect(says("commands:\n  fix:\n    description: d\n    prompt: p\n    model: x\n")).toBe(
      `${FILE}: \`commands.fix.model\` is not a setting; the settings under \`commands.fix\` are ` +
        "`description`, `prompt` and `kind`.",
    );
  });

  it("gives the whole range of an out-of-range number", () => {
    expect(says("limits:\n  maxTurns: 0\n")).toBe(
      `${FILE}: \`limits.maxTurns\` must be between 1 and 500, not 0.`,
    );
    expect(says("review:\n  maxComments: 80\n")).toBe(
      `${FILE}: \`review.maxComments\` must be between 1 and 50, not 80.`,
    );
    expect(says("limits:\n  maxCostUsd: 0\n")).toBe(
      `${FILE}: \`limits.maxCostUsd\` must be more than 0 and at most 1000, not 0.`,
    );
    expect(says("limits:\n  maxCostUsd: .inf\n")).toBe(
      `${FILE}: \`limits.maxCostUsd\` must be a number, not infinite.`,
    );
  });

  it("lists the allowed values of an enum", () => {
    expect(says("permissions:\n  minimum: owner\n")).toBe(
      `${FILE}: \`permissions.minimum\` must be \`read\`, \`triage\`, \`write\`, \`maintain\` or \`admin\`, not "owner".`,
    );
    expect(says("commands:\n  fix:\n    description: d\n    prompt: p\n    kind: edit\n")).toBe(
      `${FILE}: \`commands.fix.kind\` must be \`implement\`, \`answer\`, \`plan\` or \`review\`, not "edit".`,
    );
  });

  it("explains values that do not have the required form", () => {
    expect(says("trigger:\n  phrase: patchwright\n")).toBe(
      `${FILE}: \`trigger.phrase\` must be an @-mention of a GitHub login or app, like "@patchwright", not "patchwright".`,
    );
    expect(says("branchPrefix: bots\n")).toBe(`${FILE}: \`branchPrefix\` must end with /, not "bots".`);
    expect(says("permissions:\n  allowedBots: [dependabot]\n")).toBe(
      `${FILE}: \`permissions.allowedBots[0]\` must be a bot login like "dependabot[bot]", not "dependabot".`,
    );
    expect(says("commands:\n  fix:\n    description: d\n    prompt: ''\n")).toBe(
      `${FILE}: \`commands.fix.prompt\` must not be empty.`,
    );
    expect(says("commands:\n  review:\n    description: d\n    prompt: p\n")).toBe(
      `${FILE}: \`commands.review\` is not a valid name: the name must not be one of the built-in commands ` +
        "(review, plan, approve, stop, help, buddy, pause, resume).",
    );
    expect(says("commands:\n  Fix_it:\n    description: d\n    prompt: p\n")).toBe(
      `${FILE}: \`commands.Fix_it\` is not a valid name: the name must be 1 to 32 lower-case letters, digits ` +
        "or dashes, starting with a letter.",
    );
  });

  it("uses the leak guard's own checks in the guard section", () => {
    expect(says("guard:\n  allow:\n    values: ['(']\n")).toBe(
      `${FILE}: \`guard.allow.values[0]\` is "(", which is not a valid regular expression.`,
    );
    expect(says("guard:\n  forbiddenTermHashes: [abc]\n")).toBe(
      `${FILE}: \`guard.forbiddenTermHashes[0]\` is "abc", which is not valid: expected ` +
        "sha256:<salt>:<64 hex digits> (see `patchwright hash-term`).",
    );
    expect(says("guard:\n  allow:\n    rules: [github-pat-classic, github-pat-clasic]\n")).toBe(
      `${FILE}: \`guard.allow.rules[1]\` must be the id of a leak guard rule (see docs/leak-guard.md), ` +
        'not "github-pat-clasic" (did you mean `github-pat-classic`?)',
    );
    expect(says("guard:\n  allow:\n    rules: [no-such-rule]\n")).toMatch(/not "no-such-rule"\.$/);
  });

  it("gives the line of a YAML syntax error", () => {
    expect(says("review:\n  auto: true\n bad: 1\n")).toBe(
      `${FILE}: not valid YAML (line 3: All mapping items must start at the same column).`,
    );
    expect(says("review:\n  auto: true\nreview:\n  drafts: true\n")).toBe(
      `${FILE}: not valid YAML (line 3: Map keys must be unique).`,
    );
    expect(says("review: *settings\n")).toBe(
      `${FILE}: not valid YAML (Unresolved alias (the anchor must be set before the alias): settings).`,
    );
  });

  it("refuses a top level that is not a mapping", () => {
    expect(says("- review\n")).toBe(
      `${FILE}: the top level must be a mapping of settings (like \`review:\` and \`limits:\`), not a list.`,
    );
    expect(says("review\n")).toMatch(/, not "review"\.$/);
  });

  it("reports the field as data too", () => {
    expect(parseRepoConfig("limits:\n  maxTurns: 0\n", "x.yml")).toEqual({
      ok: false,
      error: { file: "x.yml", field: "limits.maxTurns", message: "must be between 1 and 500, not 0." },
    });
  });
});

describe("the maintenance section", () => {
  const task = (fields: string): string =>
    `maintenance:\n  tasks:\n    - name: tidy-readme\n      prompt: Add a Usage section\n${fields}`;

  it("reads a task with its defaults: UTC, no labels, no path limit, the draft setting left to pullRequests", () => {
    const result = parseRepoConfig(task("      schedule: '17 6 * * 1'\n"), FILE);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.config.maintenance).toEqual({
      tasks: [
        {
          name: "tidy-readme",
          schedule: "17 6 * * 1",
          timezone: "UTC",
          prompt: "Add a Usage section",
          labels: [],
        },
      ],
      limits: { prHourly: 2, prConcurrent: 10 },
      dashboard: false,
      ciFix: false,
    });
  });

  it("names a bad cron schedule and says what is wrong with it", () => {
    expect(says(task("      schedule: '61 6 * * 1'\n"))).toBe(
      `${FILE}: \`maintenance.tasks[0].schedule\` is "61 6 * * 1", which is not a valid cron schedule: ` +
        "the minute 61 is outside 0–59.",
    );
    expect(says(task("      schedule: '@weekly'\n"))).toBe(
      `${FILE}: \`maintenance.tasks[0].schedule\` must be five fields separated by spaces (minute, hour, ` +
        'day of month, month, day of week), like "17 6 * * 1", not "@weekly".',
    );
    expect(says(task("      schedule: '0 0 30 2 *'\n"))).toBe(
      `${FILE}: \`maintenance.tasks[0].schedule\` is "0 0 30 2 *", which is not a valid cron schedule: ` +
        "none of its months has a day 30, so it would never run.",
    );
    expect(says("maintenance:\n  dream:\n    schedule: '0 3 * * 8'\nfeatures:\n  memory: true\n")).toBe(
      `${FILE}: \`maintenance.dream.schedule\` is "0 3 * * 8", which is not a valid cron schedule: ` +
        "the day of week 8 is outside 0–7.",
    );
  });

  it("names an unknown time zone, suggesting the zone of a city", () => {
    expect(says(task("      schedule: '17 6 * * 1'\n      timezone: Paris\n"))).toBe(
      `${FILE}: \`maintenance.tasks[0].timezone\` must be an IANA time zone name (did you mean ` +
        '"Europe/Paris"?), not "Paris".',
    );
    expect(says(task("      schedule: '17 6 * * 1'\n      timezone: Mars/Olympus\n"))).toBe(
      `${FILE}: \`maintenance.tasks[0].timezone\` must be an IANA time zone name like "Europe/Paris" ` +
        'or "UTC", not "Mars/Olympus".',
    );
    // Offsets follow no daylight saving rules; newer Intl versions take them, the schedule does not.
    expect(says(task("      schedule: '17 6 * * 1'\n      timezone: '+01:00'\n"))).toMatch(
      /`maintenance.tasks\[0\].timezone` must be an IANA time zone name like .*, not "\+01:00"\.$/,
    );
  });

  it("refuses a name that is not a slug, is taken by another task or is kept for another use", () => {
    const two =
      "maintenance:\n  tasks:\n" +
      "    - { name: tidy, schedule: '0 6 * * *', prompt: a }\n" +
      "    - { name: docs, schedule: '0 6 * * *', prompt: b }\n" +
      "    - { name: tidy, schedule: '0 7 * * *', prompt: c }\n";
    expect(says(two)).toBe(
      `${FILE}: \`maintenance.tasks[2].name\` is "tidy", the name of \`maintenance.tasks[0]\` too: ` +
        "each task needs its own, since its branch is named after it.",
    );
    expect(
      says("maintenance:\n  tasks:\n    - { name: Tidy README, schedule: '0 6 * * *', prompt: a }\n"),
    ).toBe(
      `${FILE}: \`maintenance.tasks[0].name\` must be a slug: lower-case letters and digits, words joined ` +
        'by single dashes, like "tidy-readme", not "Tidy README".',
    );
    expect(
      says("maintenance:\n  tasks:\n    - { name: tidy--readme, schedule: '0 6 * * *', prompt: a }\n"),
    ).toMatch(/must be a slug: .*, not "tidy--readme"\.$/);
    expect(says("maintenance:\n  tasks:\n    - { name: ci-fix, schedule: '0 6 * * *', prompt: a }\n")).toBe(
      `${FILE}: \`maintenance.tasks[0].name\` is "ci-fix", a name kept for the failing-CI fixer ` +
        "(`maintenance.ciFix`): choose another.",
    );
    expect(says("maintenance:\n  tasks:\n    - { name: dream, schedule: '0 6 * * *', prompt: a }\n")).toBe(
      `${FILE}: \`maintenance.tasks[0].name\` is "dream", a name kept for dreaming (\`maintenance.dream\`): ` +
        "choose another.",
    );
  });

  it("refuses dreaming without memory, and takes it with memory", () => {
    const dream = "maintenance:\n  dream:\n    schedule: '0 3 * * *'\n";
    expect(says(dream)).toBe(
      `${FILE}: \`maintenance.dream\` needs \`features.memory: true\`: dreaming tidies the memory notes, ` +
        "which are kept only with memory on.",
    );
    const result = parseRepoConfig(`${dream}features:\n  memory: true\n`, FILE);
    expect(result.ok && result.config.maintenance.dream).toEqual({
      schedule: "0 3 * * *",
      timezone: "UTC",
      dryRun: false,
    });
  });

  it("names the other settings of a task and of the section", () => {
    expect(says("maintenance:\n  tasks:\n    - { name: a, schedule: '0 6 * * *' }\n")).toBe(
      `${FILE}: \`maintenance.tasks[0].prompt\` is required.`,
    );
    expect(says(task("      schedule: '0 6 * * *'\n      paths: []\n"))).toBe(
      `${FILE}: \`maintenance.tasks[0].paths\` must not be empty.`,
    );
    expect(says(task("      schedule: '0 6 * * *'\n      cron: '0 6 * * *'\n"))).toMatch(
      /`maintenance.tasks\[0\].cron` is not a setting; the settings under `maintenance.tasks\[0\]` are `name`, /,
    );
    expect(says("maintenance:\n  limits:\n    prHourly: 0\n")).toBe(
      `${FILE}: \`maintenance.limits.prHourly\` must be between 1 and 100, not 0.`,
    );
    expect(says("maintenance:\n  cifix: true\n")).toBe(
      `${FILE}: \`maintenance.cifix\` is not a setting (did you mean \`ciFix\`?)`,
    );
  });
});

describe("validateRepoConfig", () => {
  it("validates an object parsed elsewhere (JSON, another YAML reader)", () => {
    expect(validateRepoConfig({ features: { buddy: true } }, "cfg.json")).toMatchObject({
      ok: true,
      config: { features: { buddy: true, frustrationSignals: true } },
    });
    expect(validateRepoConfig(undefined, "cfg.json")).toEqual({ ok: true, config: RepoConfig.parse({}) });
    expect(sentence(validateRepoConfig({ features: { buddy: "on" } }, "cfg.json"))).toBe(
      'cfg.json: `features.buddy` must be true or false, not "on".',
    );
    expect(sentence(validateRepoConfig(42, "cfg.json"))).toMatch(
      /^cfg.json: the top level must be a mapping/,
    );
  });
});
