import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { Guard } from "../../src/guard/engine.js";
import { textBlock } from "../../src/guard/block.js";
import { ALL_RULES } from "../../src/guard/rules/index.js";
import { scan } from "../../src/guard/scan.js";
import { commit, git, tempDir, tempRepo, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(16);
const config = (policy?: string, over: object = {}): GuardConfig =>
  GuardConfig.parse({ ...(policy ? { policy: { envFiles: policy } } : {}), ...over });
const settings = "# app\nNODE_ENV=production\nLOG_LEVEL=warn\nPORT=8080\nDATABASE_HOST=db.internal\n";
const scanDir = (dir: string, c = config()) => scan({ mode: "paths", paths: ["."] }, { cwd: dir, config: c });
const ids = (fs: readonly { ruleId: string }[]) => fs.map((f) => f.ruleId);

describe("env-file: one policy finding per committed dotenv file", () => {
  it("is a file-level warning at line 1, not a finding per line", () => {
    const guard = new Guard(ALL_RULES, config());
    expect(guard.scanPath("services/api/.env.production", "file")).toEqual([
      expect.objectContaining({
        ruleId: "env-file",
        path: "services/api/.env.production",
        line: 1,
        column: 1,
        severity: "warning",
        confidence: "high",
      }),
    ]);
    // Settings are not leaks: the file's lines give nothing.
    expect(guard.scanBlock(textBlock(settings, "file", "services/api/.env.production"))).toEqual([]);
  });

  it("on a monorepo, one per file however many lines each holds", async () => {
    const dir = tempDir();
    const many = Array.from({ length: 40 }, (_, i) => `SETTING_${i}=value-${i}`).join("\n");
    writeFiles(dir, {
      ".env": settings,
      "apps/web/.env.development": many,
      "apps/web/.env.production": many,
      "apps/api/.env.local": settings,
      "apps/api/src/index.ts": "export const port = Number(process.env.PORT);\n",
    });
    const report = await scanDir(dir);
    expect(report.findings.map((f) => [f.ruleId, f.path, f.line]).sort()).toEqual([
      ["env-file", ".env", 1],
      ["env-file", "apps/api/.env.local", 1],
      ["env-file", "apps/web/.env.development", 1],
      ["env-file", "apps/web/.env.production", 1],
    ]);
  });

  it("the secret rules still read the file: a real key in .env.production is its own finding", async () => {
    const dir = tempDir();
    writeFiles(dir, { ".env.production": `${settings}GITHUB_TOKEN=${githubToken(rand)}\n` });
    const report = await scanDir(dir);
    expect(report.findings.map((f) => [f.ruleId, f.line, f.severity])).toEqual([
      ["env-file", 1, "warning"],
      ["github-pat-classic", 6, "error"],
    ]);
    // With the policy off, the key is found all the same.
    const off = await scanDir(dir, config("off"));
    expect(ids(off.findings)).toEqual(["github-pat-classic"]);
  });

  it("templates are exempt from the policy, not from the secret rules", async () => {
    const dir = tempDir();
    const template = "API_KEY=\nTOKEN=<your-token>\nPORT=3000\n";
    writeFiles(dir, {
      ".env.example": template,
      ".env.sample": template,
      ".env.template": template,
      "web/.env.local.example": template,
      "web/.env.dist": template,
      ".env.vault": `DOTENV_VAULT_PRODUCTION="${rand(64)}"\n`,
    });
    expect((await scanDir(dir)).findings).toEqual([]);
    writeFiles(dir, { ".env.example": `${template}GITHUB_TOKEN=${githubToken(rand)}\n` });
    expect(ids((await scanDir(dir)).findings)).toEqual(["github-pat-classic"]);
  });

  it("warn reports it without blocking, off says nothing, and allow.rules switches it off too", async () => {
    const dir = tempDir();
    writeFiles(dir, { ".env": settings, "config/.env.staging": settings });
    const warn = await scanDir(dir, config("warn"));
    expect(warn.findings).toEqual([]);
    expect(warn.advisories.map((f) => [f.ruleId, f.path, f.severity]).sort()).toEqual([
      ["env-file", ".env", "warning"],
      ["env-file", "config/.env.staging", "warning"],
    ]);
    const off = await scanDir(dir, config("off"));
    expect([off.findings, off.advisories]).toEqual([[], []]);
    const allowed = await scanDir(dir, config(undefined, { allow: { rules: ["env-file"] } }));
    expect([allowed.findings, allowed.advisories]).toEqual([[], []]);
  });

  it("a baseline or allow.paths accepts it like any finding", async () => {
    const dir = tempDir();
    writeFiles(dir, { ".env": settings });
    const first = await scanDir(dir);
    const baseline = new Set(first.findings.map((f) => f.fingerprint));
    const again = await scan({ mode: "paths", paths: ["."] }, { cwd: dir, config: config(), baseline });
    expect(again.findings).toEqual([]);
    expect((await scanDir(dir, config(undefined, { allow: { paths: [".env"] } }))).findings).toEqual([]);
  });

  it("in a range of commits: once per commit that adds or changes the file, never for deleting it", async () => {
    const repo = tempRepo();
    const base = git(repo, ["rev-parse", "HEAD"]).trim();
    const added = commit(repo, { ".env": settings, "a.ts": "export const a = 1;\n" }, "add settings");
    const changed = commit(repo, { ".env": `${settings}FEATURE_X=on\n` }, "turn on X");
    git(repo, ["rm", "-q", ".env"]);
    git(repo, ["commit", "-q", "-m", "remove the dotenv file"]);
    const report = await scan({ mode: "git", range: `${base}..HEAD` }, { cwd: repo, config: config() });
    expect(report.findings.map((f) => [f.ruleId, f.path, f.commit]).sort()).toEqual(
      [
        ["env-file", ".env", added],
        ["env-file", ".env", changed],
      ].sort(),
    );
  });
});
