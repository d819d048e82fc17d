import { describe, expect, it } from "vitest";
import { loadRepoConfig, type RepoFile } from "../../src/config/load-repo-config.js";
import { RepoConfig } from "../../src/config/schema.js";

/** A reader answering from a map of paths (absent paths: nothing there, as on a 404). */
function fakeRepo(files: Record<string, RepoFile | Error>) {
  const calls: string[] = [];
  const read = (path: string): Promise<RepoFile | undefined> => {
    calls.push(path);
    const file = files[path];
    return file instanceof Error ? Promise.reject(file) : Promise.resolve(file);
  };
  return { read, calls };
}

function file(text: string): RepoFile {
  return { kind: "file", bytes: Buffer.from(text) };
}

describe("loadRepoConfig", () => {
  it("reads .github/patchwright.yml", async () => {
    const { read, calls } = fakeRepo({ ".github/patchwright.yml": file("review:\n  auto: true\n") });
    const loaded = await loadRepoConfig(read);
    expect(loaded).toMatchObject({ ok: true, source: "file", config: { review: { auto: true } } });
    expect(calls).toEqual([".github/patchwright.yml"]);
  });

  it("falls back to .github/patchwright.yaml", async () => {
    const { read, calls } = fakeRepo({ ".github/patchwright.yaml": file("limits:\n  maxTurns: 5\n") });
    const loaded = await loadRepoConfig(read);
    expect(loaded).toMatchObject({ ok: true, source: "file", config: { limits: { maxTurns: 5 } } });
    expect(calls).toEqual([".github/patchwright.yml", ".github/patchwright.yaml"]);
  });

  it("uses the defaults when neither file exists", async () => {
    const { read } = fakeRepo({});
    expect(await loadRepoConfig(read)).toEqual({
      ok: true,
      config: RepoConfig.parse({}),
      source: "default",
    });
  });

  it("returns a config error that names the file it read", async () => {
    const { read } = fakeRepo({ ".github/patchwright.yaml": file("review:\n  autp: true\n") });
    expect(await loadRepoConfig(read)).toEqual({
      ok: false,
      error: {
        file: ".github/patchwright.yaml",
        field: "review.autp",
        message: "is not a setting (did you mean `auto`?)",
      },
    });
  });

  it("refuses a folder, a submodule, a file too large to be sent, and bytes that are not UTF-8", async () => {
    const cases: [RepoFile, RegExp][] = [
      [{ kind: "folder" }, /is a folder/],
      [{ kind: "other", type: "submodule" }, /is a submodule, not a file/],
      [{ kind: "too large" }, /too large/],
      [{ kind: "file", bytes: Buffer.from([0xff, 0xfe, 0x00]) }, /UTF-8/],
    ];
    for (const [found, message] of cases) {
      const loaded = await loadRepoConfig(fakeRepo({ ".github/patchwright.yml": found }).read);
      expect(loaded).toMatchObject({ ok: false, error: { message: expect.stringMatching(message) } });
    }
  });

  it("throws what reading throws, for the caller to report", async () => {
    const forbidden = Object.assign(new Error("Resource not accessible by integration"), { status: 403 });
    await expect(loadRepoConfig(fakeRepo({ ".github/patchwright.yml": forbidden }).read)).rejects.toBe(
      forbidden,
    );
  });
});
