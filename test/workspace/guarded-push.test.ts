import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { guardedPush } from "../../src/workspace/guarded-push.js";
import { pushRequest } from "../helpers/push-request.js";
import { commit, git, remoteAndClone } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(77);

/** A bare "remote" with main, and a clone with a run branch one commit ahead. */
function setup(files: Record<string, string> = { "a.txt": "change\n" }): {
  remote: string;
  work: string;
  base: string;
} {
  const { remote, work, base } = remoteAndClone();
  commit(work, files, "the run's change");
  return { remote, work, base };
}

const request = pushRequest;

const remoteHas = (remote: string, branch: string): boolean =>
  git(remote, ["branch", "--list", branch]).trim() !== "";

describe("guardedPush", () => {
  it("pushes a clean branch", async () => {
    const s = setup();
    const result = await guardedPush(request(s));
    expect(result).toMatchObject({ status: "pushed" });
    expect(remoteHas(s.remote, "patchwright/fix-1")).toBe(true);
  });

  it("never pushes to the default or a protected branch", async () => {
    const s = setup();
    expect(await guardedPush(request(s, { branch: "main" }))).toMatchObject({
      status: "refused",
      reason: expect.stringMatching(/never pushes to main/),
    });
    const asked: string[] = [];
    const isProtected = (b: string) => (asked.push(b), Promise.resolve(b === "release"));
    expect(await guardedPush(request(s, { branch: "release", isProtected }))).toMatchObject({
      status: "refused",
      reason: expect.stringMatching(/never pushes to release/),
    });
    expect(asked).toEqual(["release"]);
    expect(remoteHas(s.remote, "release")).toBe(false);
    // Not knowing is not pushing.
    const unknown = () => Promise.reject(new Error("GitHub is down"));
    expect(await guardedPush(request(s, { isProtected: unknown }))).toMatchObject({
      status: "refused",
      reason: expect.stringMatching(/could not be read/),
    });
    expect(remoteHas(s.remote, "patchwright/fix-1")).toBe(false);
  });

  it("pushes nothing when the guard finds a secret, or cannot scan", async () => {
    const s = setup({ "config.ts": `export const token = "${githubToken(rand)}";\n` });
    const blocked = await guardedPush(request(s));
    expect(blocked.status).toBe("blocked");
    expect(remoteHas(s.remote, "patchwright/fix-1")).toBe(false);
    const unscannable = await guardedPush(request(s, { base: "no-such-commit" }));
    expect(unscannable).toMatchObject({ status: "refused", reason: expect.stringMatching(/could not scan/) });
    expect(remoteHas(s.remote, "patchwright/fix-1")).toBe(false);
  });

  it("never force-pushes over commits it does not have", async () => {
    const s = setup();
    await guardedPush(request(s));
    git(s.work, ["reset", "-q", "--hard", s.base]);
    commit(s.work, { "b.txt": "other\n" }, "diverged");
    const result = await guardedPush(request(s));
    expect(result).toMatchObject({ status: "refused", reason: expect.stringMatching(/never force-pushes/) });
  });

  it("sends the token in an Authorization header, not in the URL or the arguments", async () => {
    const s = setup();
    const token = ["tok", rand(24)].join("-");
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(403).end();
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await guardedPush(request(s, { remoteUrl: `http://127.0.0.1:${port}/repo.git`, token }));
      expect(result.status).toBe("refused");
      expect(JSON.stringify(result)).not.toContain(token);
    } finally {
      server.close();
    }
    expect(seen[0]).toBe(`Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`);
  });

  it("refuses credentials in the URL, and never shows the token in a failure", async () => {
    const s = setup();
    expect(await guardedPush(request(s, { remoteUrl: "https://user:pass@example.com/x.git" }))).toMatchObject(
      { status: "refused" },
    );
    const token = ["tok", rand(24)].join("-");
    const failed = await guardedPush(request(s, { remoteUrl: `${s.remote}-missing`, token }));
    expect(failed.status).toBe("refused");
    expect(JSON.stringify(failed)).not.toContain(token);
  });

  it("refuses a change under .github/workflows unless the config allows it", async () => {
    const s = setup({ ".github/workflows/ci.yml": "on: push\n" });
    const refused = await guardedPush(request(s));
    expect(refused).toMatchObject({
      status: "refused",
      reason: expect.stringMatching(/workflows\.allowChanges/),
    });
    expect(remoteHas(s.remote, "patchwright/fix-1")).toBe(false);
    expect(await guardedPush(request(s, { allowWorkflowChanges: true }))).toMatchObject({ status: "pushed" });
  });

  it("pushes a named commit when the worktree is gone", async () => {
    const s = setup();
    const sha = git(s.work, ["rev-parse", "HEAD"]).trim();
    git(s.work, ["checkout", "-q", "--detach", s.base]);
    expect(await guardedPush(request(s, { ref: sha }))).toEqual({ status: "pushed", sha });
    expect(git(s.remote, ["rev-parse", "patchwright/fix-1"]).trim()).toBe(sha);
  });
});
