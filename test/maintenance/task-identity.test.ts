import { describe, expect, it } from "vitest";
import { RepoConfig } from "../../src/config/schema.js";
import { branchFor, taskHash } from "../../src/maintenance/task-identity.js";

const base = {
  name: "tidy-readme",
  prompt: "Add a Usage section to README.md",
  paths: ["README.md", "docs/**"],
};

describe("taskHash", () => {
  it("is 16 hex digits, the same for the same request", () => {
    expect(taskHash(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(taskHash({ ...base })).toBe(taskHash(base));
    // Pinned: a hash that changed between versions would re-propose every declined task.
    expect(taskHash(base)).toBe("bf701f296a499718");
  });

  it("changes when the name, the prompt or the paths change", () => {
    const hashes = new Set([
      taskHash(base),
      taskHash({ ...base, name: "tidy-docs" }),
      taskHash({ ...base, prompt: "Add a Usage section to README.md, with examples" }),
      taskHash({ ...base, paths: ["README.md"] }),
      taskHash({ ...base, paths: undefined }),
    ]);
    expect(hashes.size).toBe(5);
  });

  it("does not change with the spelling of the same request", () => {
    const hash = taskHash(base);
    expect(taskHash({ ...base, prompt: `${base.prompt}\n` })).toBe(hash); // YAML `|` keeps a final newline
    expect(taskHash({ ...base, prompt: `  ${base.prompt}  ` })).toBe(hash);
    expect(taskHash({ ...base, paths: ["docs/**", "README.md", "docs/**"] })).toBe(hash);
    const twoLines = { ...base, prompt: "Add a Usage section.\nKeep it short." };
    expect(taskHash({ ...twoLines, prompt: "Add a Usage section.\r\nKeep it short." })).toBe(
      taskHash(twoLines),
    );
    expect(taskHash({ ...base, paths: [] })).toBe(taskHash({ ...base, paths: undefined }));
  });

  it("leaves out the schedule, time zone, labels and draft flag", () => {
    const parse = (extra: object) =>
      RepoConfig.parse({ maintenance: { tasks: [{ ...base, schedule: "17 6 * * 1", ...extra }] } })
        .maintenance.tasks[0]!;
    const hash = taskHash(parse({}));
    expect(taskHash(parse({ schedule: "0 9 * * 5", timezone: "Asia/Tokyo" }))).toBe(hash);
    expect(taskHash(parse({ labels: ["chore"], draft: true }))).toBe(hash);
  });
});

describe("branchFor", () => {
  it("puts the task under maintenance/ after the config's branch prefix", () => {
    expect(branchFor({ name: "tidy-readme" }, RepoConfig.parse({}).branchPrefix)).toBe(
      "patchwright/maintenance/tidy-readme",
    );
    expect(branchFor({ name: "tidy-readme" }, "bots/pw/")).toBe("bots/pw/maintenance/tidy-readme");
    expect(branchFor({ name: "ci-fix" }, "patchwright/")).toBe("patchwright/maintenance/ci-fix");
  });
});
