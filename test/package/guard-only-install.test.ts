import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const ROOT = join(import.meta.dirname, "../..");
const exec = promisify(execFile);

/** What the leak guard's commands load at run time: nothing of the agent (model SDKs, Probot, tree-sitter). */
const GUARD_RUNTIME = ["commander", "ignore", "picomatch", "yaml", "zod"];

interface Manifest {
  dependencies?: Record<string, string>;
  bin: Record<string, string>;
}

/**
 * The packed tarball unpacked as node_modules/patchwright beside only the guard's runtime packages (and
 * theirs, recursively) from this checkout's node_modules, without the network. Nothing of the agent is
 * there, so a guard command that loads it fails here.
 */
async function guardOnlyInstall(root: string): Promise<{ project: string; manifest: Manifest }> {
  const packs = join(root, "pack");
  mkdirSync(packs);
  const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packs], {
    cwd: ROOT,
  });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  const project = join(root, "project");
  const target = join(project, "node_modules", "patchwright");
  mkdirSync(target, { recursive: true });
  await exec("tar", ["-xzf", join(packs, filename), "-C", target, "--strip-components=1"]);
  const manifest = JSON.parse(readFileSync(join(target, "package.json"), "utf8")) as Manifest;
  const link = (name: string): void => {
    const to = join(project, "node_modules", name);
    if (existsSync(to)) return;
    mkdirSync(join(to, ".."), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), to);
    const own = JSON.parse(
      readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"),
    ) as Manifest;
    for (const dep of Object.keys(own.dependencies ?? {})) link(dep);
  };
  for (const dep of GUARD_RUNTIME) link(dep);
  return { project, manifest };
}

describe("the packed package, with only the leak guard's packages beside it", () => {
  let project: string;
  let manifest: Manifest;
  let bin: string;
  // Made once for the file (tempDir's folders go after each test).
  const root = mkdtempSync(join(tmpdir(), "pw-install-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(async () => {
    ({ project, manifest } = await guardOnlyInstall(root));
    bin = join(project, "node_modules", "patchwright", manifest.bin["patchwright"]!);
  }, 60_000);

  it("depends on the guard's packages, and has none of the agent's beside it here", () => {
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(expect.arrayContaining(GUARD_RUNTIME));
    expect(existsSync(join(project, "node_modules", "probot"))).toBe(false);
    expect(existsSync(join(project, "node_modules", "@anthropic-ai"))).toBe(false);
  });

  it("runs patchwright scan, finds a leak, and exits 1", async () => {
    const dir = tempDir("pw-scan-me-");
    writeFiles(dir, {
      "deploy.sh": `curl -H "Authorization: token ${githubToken(prng(5))}" https://api.github.com\n`,
    });
    const r = await exec(process.execPath, [bin, "scan", "."], { cwd: dir }).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(r).toMatchObject({ code: 1 });
    expect(r.stdout).toContain("deploy.sh:1");
  });

  it("runs hash-term and config check", async () => {
    const hashed = await exec(process.execPath, [bin, "hash-term", "--salt", "q7Rk2", "nimbus"]);
    expect(hashed.stdout).toMatch(/^sha256:q7Rk2:[0-9a-f]{64}\n$/);
    const dir = tempDir("pw-config-");
    writeFiles(dir, { ".github/patchwright.yml": "review:\n  auto: true\n" });
    const checked = await exec(process.execPath, [bin, "config", "check"], { cwd: dir });
    expect(checked.stdout).toContain("valid");
  });

  it("says in one sentence that patchwright run needs the agent's packages", async () => {
    const r = await exec(process.execPath, [bin, "run", "fix it"], { cwd: tempDir() }).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toBe(
      "patchwright: patchwright run needs the agent's packages, and some are not installed: install patchwright again (npm install, or npm ci in a checkout).\n",
    );
  });
});
