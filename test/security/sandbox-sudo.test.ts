import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath } from "../../src/workspace/sandbox/find-on-path.js";

// On GitHub-hosted runners the harness is an ordinary user with passwordless sudo, and bubblewrap is
// blocked: the separate-user sandbox then runs every command through `sudo -n`. This suite plays that
// runner: a user with NOPASSWD sudo runs the built sandbox (dist/) and attacks it from inside.
const RUNNER = "pw-test-runner";
const SUDOERS = `/etc/sudoers.d/${RUNNER}`;
const ADMIN = "/usr/sbin:/usr/bin:/sbin:/bin";
const ROOT = join(import.meta.dirname, "../..");
const asRoot = process.getuid?.() === 0;
const possible =
  asRoot && findOnPath("sudo", ADMIN) !== undefined && findOnPath("useradd", ADMIN) !== undefined;
if (process.env.CI === "true" && !possible)
  throw new Error("CI must run as root with sudo installed (.ci/run)");

const MARKER = `pw-runner-secret-${process.pid}`;

/** Run as the runner: opens a user sandbox on a fresh tree and reports what the attacks got. */
const SCRIPT = `
import { mkdtempSync, readFileSync, writeFileSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const { openSandbox, sandboxHost } = await import(${JSON.stringify(join(ROOT, "dist/workspace/sandbox/open-sandbox.js"))});
const { scrubbedEnv } = await import(${JSON.stringify(join(ROOT, "dist/workspace/sandbox/scrubbed-env.js"))});
const make = (p) => realpathSync(mkdtempSync(join(tmpdir(), p)));
const root = make("pw-sudo-root-"), home = make("pw-sudo-home-"), scratch = make("pw-sudo-scratch-");
writeFileSync(join(root, "README.md"), "# demo\\n");
const sandbox = await openSandbox("user", { root, readable: [scratch], writable: [home], network: false, readOnly: false }, sandboxHost(process.env));
if (sandbox.kind !== "user") { console.log(JSON.stringify({ error: sandbox.reason ?? sandbox.kind })); process.exit(0); }
const env = scrubbedEnv(process.env, home);
const run = (command) => new Promise((resolve) => {
  const child = sandbox.spawn(command, { env, readOnly: false });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  child.on("close", () => sandbox.killAll().then(() => resolve(out)));
});
const result = {};
result.environ = await run("cat /proc/$PPID/environ 2>&1; for p in /proc/[0-9]*; do cat $p/environ 2>/dev/null; done; echo done");
result.whoami = await run("id -un");
result.write = await run("echo made > made.txt && mkdir -p sub && echo deep > sub/deep.txt && echo wrote");
// The harness's own editor writes the tree during the run: files the sandbox user made stay writable.
writeFileSync(join(root, "made.txt"), "edited by the harness\\n");
writeFileSync(join(root, "sub", "deep.txt"), "edited too\\n");
result.harnessEdit = readFileSync(join(root, "made.txt"), "utf8");
result.network = await run("(exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && echo tcp-open || echo tcp-failed");
const tag = "pw-sudo-orphan-" + process.pid;
await run("setsid bash -c 'exec -a " + tag + " sleep 300' > /dev/null 2>&1 & sleep 0.2; echo started");
result.orphans = (await import("node:child_process")).execFileSync("ps", ["-eo", "args"]).toString().includes(tag);
await sandbox.dispose();
rmSync(root, { recursive: true }); rmSync(home, { recursive: true }); rmSync(scratch, { recursive: true });
result.removed = true;
console.log(JSON.stringify(result));
`;

describe.runIf(possible)(
  "the separate-user sandbox from a non-root harness with sudo (GitHub-hosted runners)",
  () => {
    let dir: string;
    beforeAll(() => {
      if (spawnSync("id", ["-u", RUNNER]).status !== 0) {
        execFileSync("useradd", ["--create-home", "--shell", "/bin/bash", RUNNER], { env: { PATH: ADMIN } });
      }
      writeFileSync(SUDOERS, `${RUNNER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
      dir = mkdtempSync(join(tmpdir(), "pw-sudo-test-"));
      execFileSync("chmod", ["755", dir]);
    });
    afterAll(() => {
      rmSync(SUDOERS, { force: true });
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("holds: no harness environment, a user of its own, shared writes, no network, no orphans", () => {
      const script = join(dir, "attack.mjs");
      writeFileSync(script, SCRIPT, { mode: 0o644 });
      const uid = Number(execFileSync("id", ["-u", RUNNER]).toString());
      const gid = Number(execFileSync("id", ["-g", RUNNER]).toString());
      const ran = spawnSync(process.execPath, [script], {
        uid,
        gid,
        cwd: dir,
        env: {
          PATH: `${ADMIN}:${join(process.execPath, "..")}`,
          HOME: `/home/${RUNNER}`,
          PW_TEST_SECRET: MARKER,
        },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(ran.stderr).toBe("");
      const result = JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      expect(result["error"]).toBeUndefined();
      expect(String(result["environ"])).not.toContain(MARKER);
      expect(String(result["whoami"]).trim()).toMatch(/^pw-sbx-[0-9a-f]{8}$/);
      expect(result["write"]).toContain("wrote");
      expect(result["harnessEdit"]).toBe("edited by the harness\n");
      expect(result["network"]).toContain("tcp-failed");
      expect(result["orphans"]).toBe(false);
      expect(result["removed"]).toBe(true);
      // The run's user is gone with the run.
      expect(existsSync(`/home/${String(result["whoami"]).trim()}`)).toBe(false);
      expect(spawnSync("id", ["-u", String(result["whoami"]).trim()]).status).not.toBe(0);
    });
  },
);
