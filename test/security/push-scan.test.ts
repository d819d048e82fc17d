import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardedPush, type PushRequest } from "../../src/workspace/guarded-push.js";
import { pushRequest } from "../helpers/push-request.js";
import { commit, git, remoteAndClone } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

// Each test hides a real-looking token from a scan of `git log -p` (what the guard read before) and
// checks that the push is blocked and that the remote never receives the branch.
const rand = prng(1207);

const setup = (): { remote: string; work: string; base: string } =>
  remoteAndClone({ "README.md": "# demo\n", "notes.txt": "first\n" });

const request = pushRequest;

const remoteHasBranch = (remote: string): boolean =>
  git(remote, ["for-each-ref", "refs/heads/patchwright", "refs/tags"]).trim() !== "";

async function expectBlocked(
  s: { remote: string; work: string; base: string },
  over: Partial<PushRequest> = {},
) {
  const result = await guardedPush(request(s, over));
  expect(result.status).toBe("blocked");
  expect(remoteHasBranch(s.remote)).toBe(false);
  return result;
}

describe("the push scan sees what is actually pushed", () => {
  it("a NUL byte does not make a file unscanned", async () => {
    const s = setup();
    writeFileSync(
      join(s.work, "data.bin"),
      Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`k=${githubToken(rand)}\n`)]),
    );
    commit(s.work, {}, "add data");
    await expectBlocked(s);
  });

  it("a UTF-16 file does not hide a token between its NUL bytes", async () => {
    const s = setup();
    writeFileSync(join(s.work, "wide.txt"), Buffer.from(`token=${githubToken(rand)}\n`, "utf16le"));
    commit(s.work, {}, "add wide");
    await expectBlocked(s);
  });

  it(".gitattributes -diff or binary hides no file", async () => {
    const s = setup();
    commit(
      s.work,
      {
        ".gitattributes": "*.cfg -diff\n*.dat binary\n",
        "a.cfg": `t=${githubToken(rand)}\n`,
        "b.dat": `t=${githubToken(rand)}\n`,
      },
      "attrs",
    );
    const result = await expectBlocked(s);
    if (result.status !== "blocked") throw new Error("unreachable");
    expect(result.findings.map((f) => f.path).sort()).toEqual(["a.cfg", "b.dat"]);
  });

  it("a token as a file name", async () => {
    const s = setup();
    commit(s.work, { [`keys/${githubToken(rand)}.txt`]: "nothing here\n" }, "add a file");
    await expectBlocked(s);
  });

  it("an evil merge's own content", async () => {
    const s = setup();
    commit(s.work, { "a.txt": "a\n" }, "one side");
    git(s.work, ["checkout", "-q", "-b", "other", s.base]);
    commit(s.work, { "b.txt": "b\n" }, "other side");
    git(s.work, ["checkout", "-q", "patchwright/fix-1"]);
    git(s.work, ["merge", "-q", "--no-commit", "other"]);
    writeFileSync(join(s.work, "merge-only.txt"), `t=${githubToken(rand)}\n`);
    git(s.work, ["add", "merge-only.txt"]);
    git(s.work, ["commit", "-q", "-m", "Merge other"]);
    await expectBlocked(s);
  });

  it("a git replace object does not stand in for the pushed commit", async () => {
    const s = setup();
    const dirty = commit(s.work, { "secret.txt": `t=${githubToken(rand)}\n` }, "add a file");
    // A clean commit with the same parent, put in place of the dirty one for every command that reads
    // replace refs: `git log -p` then shows the clean one, while the push sends the dirty one.
    git(s.work, ["checkout", "-q", "-b", "clean", s.base]);
    const clean = commit(s.work, { "fine.txt": "fine\n" }, "add a file");
    git(s.work, ["checkout", "-q", "patchwright/fix-1"]);
    git(s.work, ["replace", dirty, clean]);
    await expectBlocked(s, { ref: dirty });
  });

  it("push.followTags does not push a tag nobody scanned", async () => {
    const s = setup();
    const sha = commit(s.work, { "fine.txt": "fine\n" }, "clean change");
    git(s.work, ["tag", "-a", "v9", "-m", `release ${githubToken(rand)}`, sha]);
    git(s.work, ["config", "push.followTags", "true"]);
    const result = await guardedPush(request(s));
    expect(result.status).toBe("pushed");
    expect(git(s.remote, ["tag", "--list"]).trim()).toBe("");
  });

  it("refuses what it cannot scan: an object past the size it reads", async () => {
    const s = setup();
    writeFileSync(join(s.work, "big.bin"), Buffer.alloc(33 * 1024 * 1024, 0x61));
    commit(s.work, {}, "add big");
    const result = await guardedPush(request(s));
    expect(result).toMatchObject({ status: "refused", reason: expect.stringMatching(/could not scan/) });
    expect(remoteHasBranch(s.remote)).toBe(false);
  });

  it("still passes a file whose old lines hold what the base already had", async () => {
    const { remote, work, base } = remoteAndClone({ "old.txt": `kept=${githubToken(rand)}\n` });
    writeFileSync(
      join(work, "old.txt"),
      `${execFileSync("cat", [join(work, "old.txt")]).toString()}added line\n`,
    );
    commit(work, {}, "append");
    expect((await guardedPush(request({ remote, work, base }))).status).toBe("pushed");
  });
});

describe("the workflow check", () => {
  it("sees a link named .github/workflows", async () => {
    const s = setup();
    mkdirSync(join(s.work, "ci"), { recursive: true });
    writeFileSync(join(s.work, "ci", "run.yml"), "on: push\njobs: {}\n");
    mkdirSync(join(s.work, ".github"), { recursive: true });
    symlinkSync("../ci", join(s.work, ".github", "workflows"));
    commit(s.work, {}, "link workflows");
    expect(await guardedPush(request(s))).toMatchObject({
      status: "refused",
      reason: expect.stringMatching(/\.github\/workflows/),
    });
    expect(remoteHasBranch(s.remote)).toBe(false);
  });
});
