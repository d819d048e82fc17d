import { execFile } from "node:child_process";
import { chmodSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { withKnownSecrets } from "../../src/guard/known-secrets.js";
import { scan } from "../../src/guard/scan.js";
import { ScanError } from "../../src/guard/scan-error.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

// The built bin (dist/cli/main.js, rebuilt by the global setup): the threads run the built worker script.
const BIN = join(import.meta.dirname, "../../dist/cli/main.js");
const rand = prng(2718);

function run(
  args: string[],
  cwd: string,
  prefix: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...rest] = [...prefix, process.execPath, BIN, ...args];
  return new Promise((resolve) => {
    execFile(
      cmd!,
      rest,
      { cwd, env: { PATH: process.env["PATH"] ?? "", HOME: cwd }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** A tree of `n` files, more than one thread's worth, holding every kind of result a scan reports. */
function bigTree(n: number): string {
  const dir = tempDir();
  const files: Record<string, string | Buffer> = {};
  for (let i = 0; i < n; i++) {
    const body = [`export const n${i} = ${i};`, "const word = 'plain text';"];
    if (i % 37 === 0) body.push(`const token = "${githubToken(rand)}";`);
    if (i % 101 === 0) body.push(`const kept = "${githubToken(rand)}"; // patchwright:allow`);
    files[`src/m${i % 9}/f${String(i).padStart(4, "0")}.ts`] = `${body.join("\n")}\n`;
  }
  files["assets/logo.bin"] = Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(githubToken(rand))]);
  files["deploy/.env.production"] = "NODE_ENV=production\n";
  files["vendor/allowed.ts"] = `const t = "${githubToken(rand)}";\n`;
  files["patchwright-guard.yml"] = "policy:\n  envFiles: warn\nallow:\n  paths: ['vendor/**']\n";
  writeFiles(dir, files);
  symlinkSync("/etc/hostname", join(dir, "src/link"));
  return dir;
}

const withoutTime = (json: string): unknown => {
  const report = JSON.parse(json) as { stats: { ms?: number } };
  delete report.stats.ms;
  return report;
};

describe("patchwright scan on several threads", () => {
  it("reports exactly what one thread reports, in the same order", async () => {
    const dir = bigTree(700);
    const args = ["scan", ".", "--format", "json", "--config", "patchwright-guard.yml"];
    const one = await run([...args, "--threads", "1"], dir);
    const three = await run([...args, "--threads", "3"], dir);
    expect(one.code, one.stderr).toBe(1);
    expect(three.code, three.stderr).toBe(1);
    const report = withoutTime(three.stdout) as {
      findings: { path: string }[];
      advisories: { ruleId: string }[];
      skipped: { reason: string }[];
      stats: { files: number };
    };
    expect(report).toEqual(withoutTime(one.stdout));
    // Every kind of result crossed the threads: findings (a binary's too), advisories, skips, counts.
    expect(report.findings.length).toBe(Math.ceil(700 / 37) + 1);
    expect(report.findings.map((f) => f.path)).toContain("assets/logo.bin");
    expect(report.advisories.map((a) => a.ruleId)).toEqual(["env-file"]);
    expect(report.skipped.map((s) => s.reason).sort()).toEqual(["binary", "symlink"]);
    expect(report.stats.files).toBe(703);
  });

  it("fails the scan, in one sentence, when a file a thread meets cannot be read", async () => {
    const dir = bigTree(400);
    chmodSync(join(dir, "src/m3/f0300.ts"), 0o000);
    chmodSync(dir, 0o755);
    // Root reads anything: run as nobody when we are root.
    const asNobody =
      process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    for (const threads of ["1", "2"]) {
      const r = await run(["scan", ".", "--threads", threads], dir, asNobody);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(
        "patchwright: could not scan: cannot read src/m3/f0300.ts: permission denied (scan it as a user who may read it, or leave it out)\n",
      );
      expect(r.stdout).toBe("");
    }
  });

  it("refuses a thread count that is not a whole number from 1 to 64", async () => {
    const dir = tempDir();
    for (const bad of ["0", "65", "two", "1.5"]) {
      const r = await run(["scan", ".", "--threads", bad], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `patchwright: could not scan: --threads must be a whole number from 1 to 64, not "${bad}"\n`,
      );
    }
  });

  it("fails closed when a thread cannot start: no scan reads as clean", async () => {
    const dir = bigTree(300);
    const missing = pathToFileURL(join(dir, "no-such-worker.js"));
    const scanning = scan(
      { mode: "paths", paths: ["."] },
      { cwd: dir, config: GuardConfig.parse({}), threads: { count: 2, script: missing } },
    );
    await expect(scanning).rejects.toThrow(ScanError);
    await expect(scanning).rejects.toThrow(/a scanning thread failed/);
  });

  it("keeps a scan for a run's own secrets on this thread, where they are: a thread's guard would lack them", async () => {
    const own = "own-run-value-7f3a9c2e51b84d06";
    const dir = bigTree(300);
    writeFiles(dir, { "src/m1/leak.ts": `const t = "${own}";\n`, "vendor/own.ts": `${own}\n` });
    const config = withKnownSecrets(GuardConfig.parse({ allow: { paths: ["vendor/**"] } }), [own]);
    // A worker script that cannot start: had the scan gone to threads, it would fail instead.
    const missing = pathToFileURL(join(dir, "no-such-worker.js"));
    const report = await scan(
      { mode: "paths", paths: ["."] },
      { cwd: dir, config, threads: { count: 2, script: missing } },
    );
    // Found by value, in an allowed path too (no allowlist accepts a run's own secret).
    const found = report.findings.filter((f) => f.ruleId === "known-secret").map((f) => f.path);
    expect(found.sort()).toEqual(["src/m1/leak.ts", "vendor/own.ts"]);
  });

  it("fails closed when a thread answers with something other than results", async () => {
    const dir = bigTree(300);
    const script = join(tempDir(), "liar.mjs");
    // A thread that says every batch was clean without reading it.
    writeFileSync(
      script,
      'import { parentPort } from "node:worker_threads";\n' +
        "parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, findings: 'none' }));\n",
    );
    const scanning = scan(
      { mode: "paths", paths: ["."] },
      { cwd: dir, config: GuardConfig.parse({}), threads: { count: 2, script: pathToFileURL(script) } },
    );
    await expect(scanning).rejects.toThrow(
      new ScanError("a scanning thread answered with something other than results"),
    );
  });
});
