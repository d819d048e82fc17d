import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run-cli.js";
import { tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";

describe("patchwright config check", () => {
  it("says a valid file is valid, and exits 0", async () => {
    const dir = tempDir();
    writeFiles(dir, { ".github/patchwright.yml": "review:\n  auto: true\n" });
    expect(await cli(["config", "check"], { cwd: dir })).toEqual({
      code: 0,
      stdout: ".github/patchwright.yml: valid\n",
      stderr: "",
    });
  });

  it("checks the file it is given, and .github/patchwright.yaml when only that exists", async () => {
    const dir = tempDir();
    writeFiles(dir, { "other.yml": "# defaults\n", ".github/patchwright.yaml": "" });
    expect(await cli(["config", "check", "other.yml"], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: "other.yml: valid\n",
    });
    expect(await cli(["config", "check"], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: ".github/patchwright.yaml: valid\n",
    });
  });

  it("prints the one sentence saying what is wrong, and exits 1", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      ".github/patchwright.yml": "review:\n  auto: yes\n",
      "typo.yml": "review:\n  autp: true\n",
      "broken.yml": "review: [\n",
    });
    expect(await cli(["config", "check"], { cwd: dir })).toEqual({
      code: 1,
      stdout: '.github/patchwright.yml: `review.auto` must be true or false, not "yes".\n',
      stderr: "",
    });
    expect(await cli(["config", "check", "typo.yml"], { cwd: dir })).toMatchObject({
      code: 1,
      stdout: "typo.yml: `review.autp` is not a setting (did you mean `auto`?)\n",
    });
    const broken = await cli(["config", "check", "broken.yml"], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^broken\.yml: not valid YAML \(line 2: .*\)\.\n$/);
  });

  it("exits 2 when it cannot read the file", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "folder.yml"));
    expect(await cli(["config", "check"], { cwd: dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: "patchwright: cannot read .github/patchwright.yml: no such file\n",
    });
    expect(await cli(["config", "check", "folder.yml"], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: "patchwright: cannot read folder.yml: it is a folder\n",
    });
    expect((await cli(["config", "check", "a.yml", "b.yml"], { cwd: dir })).code).toBe(2);
  });

  it("warns about internal names listed in plain text", async () => {
    const dir = tempDir();
    writeFiles(dir, { ".github/patchwright.yml": "guard:\n  forbiddenTerms: [falcon]\n" });
    const r = await cli(["config", "check"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: `guard.forbiddenTerms` lists internal names in plain text/);
  });
});

describe("patchwright config check and scan, from anywhere in the repository", () => {
  it("finds the repository's config from a subfolder, as scan does", async () => {
    const repo = tempRepo({
      ".github/patchwright.yml": "review:\n  auto: true\n",
      "src/deep/a.ts": "export {};\n",
    });
    expect(await cli(["config", "check"], { cwd: join(repo, "src", "deep") })).toEqual({
      code: 0,
      stdout: ".github/patchwright.yml: valid\n",
      stderr: "",
    });
  });

  it("words a config error the same way in both commands", async () => {
    const repo = tempRepo({
      ".github/patchwright.yml": "guard:\n  allow:\n    rulez: [jwt]\n",
      "src/a.ts": "export {};\n",
    });
    const sub = join(repo, "src");
    const check = await cli(["config", "check"], { cwd: sub });
    const scan = await cli(["scan", "."], { cwd: sub });
    const sentence = ".github/patchwright.yml: `guard.allow.rulez` is not a setting (did you mean `rules`?)";
    expect(check).toMatchObject({ code: 1, stdout: `${sentence}\n` });
    expect(scan).toMatchObject({ code: 2, stderr: `patchwright: could not scan: ${sentence}\n` });
  });
});
