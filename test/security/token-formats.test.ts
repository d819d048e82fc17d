import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Transcript } from "../../src/agent/transcript.js";
import { guardOutbound } from "../../src/github/guarded-comments.js";
import { GuardConfig } from "../../src/guard/config.js";
import { KnownSecrets, withKnownSecrets } from "../../src/guard/known-secrets.js";
import { createRedactor, scan, scanText } from "../../src/guard/scan.js";
import { guardedPush, type PushRequest } from "../../src/workspace/guarded-push.js";
import { pushRequest } from "../helpers/push-request.js";
import { commit, git, tempDir, tempRepo, remoteAndClone } from "../helpers/temp-repo.js";
import { githubToken, prng, statelessGithubToken } from "../helpers/tokens.js";

// GitHub's installation tokens (Actions' GITHUB_TOKEN included) became `ghs_<app id>_<JWT>` in 2026,
// some 520 characters: the 36-character rule never matched them, so a run's own token left unseen. And
// whatever format comes next, the run knows its own tokens: they are found by value.

const rand = prng(2026);
const guard = GuardConfig.parse({});

function pushSetup(files: Record<string, string>, config: GuardConfig = guard): PushRequest {
  const s = remoteAndClone();
  commit(s.work, files, "the run's change");
  return pushRequest(s, { guard: config });
}

const remoteHas = (remote: string, branch: string): boolean =>
  git(remote, ["branch", "--list", branch]).trim() !== "";

describe("GitHub's stateless installation tokens", () => {
  const token = statelessGithubToken(rand);

  it("are built like GitHub's: ~520 characters, an app id, a JWT in base64url", () => {
    expect(token.length).toBeGreaterThan(480);
    expect(token).toMatch(/^ghs_[1-9][0-9]*_eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // base64url's `-` and `_` inside the JWT, which a `[A-Za-z0-9._]` pattern would cut the token at.
    expect(token.split("_").slice(2).join("_")).toMatch(/-/);
  });

  it("are blocked in a pushed file", async () => {
    const p = pushSetup({ "ci/env.sh": `export GITHUB_TOKEN=${token}\n` });
    const result = await guardedPush(p);
    expect(result).toMatchObject({
      status: "blocked",
      findings: [{ ruleId: "github-app-installation-token", path: "ci/env.sh", line: 1, column: 21 }],
    });
    expect(remoteHas(p.remoteUrl, p.branch)).toBe(false);
  });

  it("withhold a comment that holds one", () => {
    const body = `The workflow failed with \`Authorization: token ${token}\`, see the log.`;
    expect(scanText(body, guard).map((f) => f.ruleId)).toEqual(["github-app-installation-token"]);
    const posted = guardOutbound(body, guard);
    expect(posted).toMatch(/^patchwright withheld this message/);
    expect(posted).not.toContain(token.slice(20));
  });

  it("are redacted whole from a transcript line", async () => {
    const path = join(tempDir(), "run.jsonl");
    const transcript = await Transcript.open(path, createRedactor(guard));
    transcript.write({ type: "tool_result", output: `remote: using ${token}.\nok` });
    await transcript.close();
    const line = readFileSync(path, "utf8");
    expect(line).toContain("remote: using [redacted github-app-installation-token].");
    // No segment of the JWT is left, not even the signature after the last dot.
    for (const part of token.split(/[._]/).filter((p) => p.length > 6)) expect(line).not.toContain(part);
  });

  it("are matched for user-to-server tokens too (announced to change next), and without an app id", () => {
    const user = statelessGithubToken(rand, { prefix: "ghu" });
    // A 27-byte header encodes to exactly 36 characters, the length of a classic token's body.
    const noApp = statelessGithubToken(rand, { appId: null, header: { alg: "RS256", kid: "abc" } });
    expect(scanText(`a=${user}\nb=${noApp}`, guard).map((f) => f.ruleId)).toEqual([
      "github-user-to-server-token",
      "github-app-installation-token",
    ]);
  });

  it("are validated, so look-alikes stay quiet", () => {
    const lookAlikes = [
      statelessGithubToken(rand, { appId: "0123" }), // an app id never starts with 0
      statelessGithubToken(rand, { header: ["not", "an", "object"] }),
      statelessGithubToken(rand, { header: { typ: "JWT" } }), // no algorithm
      statelessGithubToken(rand, { payload: ["claims"] }),
      // A header that is not JSON at all, after a real-looking prefix.
      `ghs_12345_eyJ${rand(30)}.${rand(120)}.${rand(342)}`,
      statelessGithubToken(rand).replace(/\.[^.]+$/, `.${rand(20)}`), // signature too short
      statelessGithubToken(rand, { prefix: "ghp" }), // not a form GitHub issues classic PATs in
    ];
    for (const fake of lookAlikes) expect(scanText(`token = "${fake}"`, guard), fake).toEqual([]);
  });

  it("leave the classic forms as they were: checksummed, and still found on GHES", () => {
    const classic = githubToken(rand, "ghs");
    const broken = `${classic.slice(0, -1)}${classic.endsWith("A") ? "B" : "A"}`;
    expect(scanText(`GITHUB_TOKEN=${classic}`, guard).map((f) => f.ruleId)).toEqual([
      "github-app-installation-token",
    ]);
    expect(scanText(`GITHUB_TOKEN=${broken}`, guard)).toEqual([]);
  });
});

describe("a run's own secrets, found by value", () => {
  // A token in a format no rule knows: 60 random characters, no prefix.
  const own = rand(60);

  it("are blocked in a pushed file, whatever their format", async () => {
    const p = pushSetup({ "notes.txt": `debug: ${own}\n` }, withKnownSecrets(guard, [own]));
    const result = await guardedPush(p);
    expect(result).toMatchObject({ status: "blocked", findings: [{ ruleId: "known-secret", line: 1 }] });
    expect(remoteHas(p.remoteUrl, p.branch)).toBe(false);
    // The same push passes without the known secret: no rule would have caught it.
    expect(await guardedPush({ ...p, guard })).toMatchObject({ status: "pushed" });
  });

  it("are found in base64, as git's header carries them (`x-access-token:<token>`)", () => {
    const config = withKnownSecrets(guard, [own]);
    const header = Buffer.from(`x-access-token:${own}`).toString("base64");
    const body = `git failed: extraheader = AUTHORIZATION: basic ${header}`;
    expect(scanText(body, config).map((f) => f.ruleId)).toEqual(["known-secret"]);
    expect(guardOutbound(body, config)).toMatch(/^patchwright withheld this message/);
    // At every alignment: after a prefix of 0, 1 and 2 bytes modulo 3.
    for (const prefix of ["", "a", "ab", "user:"]) {
      const encoded = Buffer.from(`${prefix}${own}`).toString("base64");
      expect(scanText(encoded, config), prefix).toHaveLength(1);
      expect(scanText(Buffer.from(`${prefix}${own}`).toString("base64url"), config)).toHaveLength(1);
    }
  });

  it("are redacted from transcripts, also percent-encoded and in base64", () => {
    const redact = createRedactor(withKnownSecrets(guard, [`${own}/+=`]));
    const value = `${own}/+=`;
    const line = [
      value,
      encodeURIComponent(value),
      Buffer.from(`x-access-token:${value}`).toString("base64"),
      JSON.stringify({ v: value }),
    ].join(" | ");
    const out = redact(line);
    expect(out).not.toContain(own.slice(0, 12));
    expect(out).not.toContain(Buffer.from(value).toString("base64").slice(8, 40));
    expect(out.match(/\[redacted known-secret\]/g)).toHaveLength(4);
  });

  it("are not accepted by any allowlist, baseline or marker", async () => {
    const config = withKnownSecrets(
      GuardConfig.parse({ allow: { paths: ["**"], values: [".*"], rules: ["generic-secret-assignment"] } }),
      [own],
    );
    expect(scanText(`${own} patchwright:allow`, config)).toHaveLength(1);
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    commit(repo, { "fixtures/a.txt": `${own} // patchwright:allow\n` }, "add");
    const report = await scan(
      { mode: "git", range: `${base}..HEAD` },
      { cwd: repo, config, inlineAllow: true },
    );
    expect(report.findings.map((f) => f.ruleId)).toEqual(["known-secret"]);
  });

  it("travel with the config through spreads, stay out of JSON, and take tokens issued later", () => {
    const secrets = new KnownSecrets([own]);
    const config = { ...withKnownSecrets(guard, secrets), forbiddenTerms: ["falcon"] };
    expect(JSON.stringify(config)).not.toContain(own);
    const later = rand(40);
    expect(scanText(later, config)).toEqual([]);
    secrets.add(later);
    expect(scanText(`${own} ${later}`, config).map((f) => f.ruleId)).toEqual([
      "known-secret",
      "known-secret",
    ]);
  });
});
