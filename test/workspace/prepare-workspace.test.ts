import { describe, expect, it } from "vitest";
import { prepareWorkspace } from "../../src/workspace/prepare-workspace.js";
import { commit, git, tempDir, tempRepo } from "../helpers/temp-repo.js";

describe("prepareWorkspace", () => {
  it("fetches the refs it is asked for into a fresh repository, and removes it after", async () => {
    const remote = tempRepo();
    const sha = commit(remote, { "a.txt": "a\n" }, "second");
    const ws = await prepareWorkspace({ remoteUrl: remote, token: undefined, refs: ["refs/heads/main"] });
    expect(ws.shas).toEqual({ "refs/heads/main": sha });
    expect(git(ws.dir, ["rev-parse", "--is-shallow-repository"]).trim()).toBe("true");
    await ws.cleanup();
    expect(() => git(ws.dir, ["status"])).toThrow();
  });

  it("in a job's checkout, removes persisted credentials and leaves only what it fetched behind", async () => {
    const remote = tempRepo();
    const checkout = tempDir();
    git(checkout, ["clone", "-q", remote, "."]);
    git(checkout, ["config", "--local", "http.https://github.com/.extraheader", "AUTHORIZATION: basic abc"]);
    const ws = await prepareWorkspace({
      remoteUrl: remote,
      token: undefined,
      refs: ["refs/heads/main"],
      existing: checkout,
    });
    expect(ws.removedCredentials).toEqual(["http.https://github.com/.extraheader"]);
    expect(git(checkout, ["for-each-ref", "refs/patchwright"]).trim()).not.toBe("");
    await ws.cleanup();
    expect(git(checkout, ["for-each-ref", "refs/patchwright"]).trim()).toBe("");
    expect(git(checkout, ["rev-parse", "--is-shallow-repository"]).trim()).toBe("false");
  });

  it("says plainly when there is no checkout, or the URL carries credentials", async () => {
    await expect(
      prepareWorkspace({
        remoteUrl: "https://x",
        token: undefined,
        refs: ["refs/heads/main"],
        existing: tempDir(),
      }),
    ).rejects.toThrow(/is not a git checkout: add actions\/checkout before patchwright/);
    await expect(
      prepareWorkspace({ remoteUrl: "https://user:secret@example.com/r.git", token: undefined, refs: [] }),
    ).rejects.toThrow(/carries credentials/);
  });
});
