// The App as it runs in production, for `npm run bench:queue`: `node dist/app/main.js serve|worker` as a
// real child process, its settings in the environment and its JSON log in a file. Resolves once the
// process logs the address it listens on (PORT=0: a free port) and answers /readyz. Every process started
// here is tracked, so stopAllApps() and the exit hook leave none behind.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";

const live = new Set();

function get(port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, timeout: 2_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

async function ended(proc, exited, graceMs) {
  let timer;
  const gone = await Promise.race([
    exited.then(() => true),
    new Promise((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
  ]);
  clearTimeout(timer);
  if (!gone) {
    proc.kill("SIGKILL");
    await exited;
  }
}

const AUTOGROUP = "/proc/sys/kernel/sched_autogroup_enabled";

/** Whether Linux schedules each session as a group of its own (then `groupNice` can apply). */
export function autogroupsOn() {
  return existsSync(AUTOGROUP) && readFileSync(AUTOGROUP, "utf8").trim() === "1";
}

/**
 * Starts `node [nodeArgs] <main> <role>` with `env` (of the parent's environment only PATH and HOME), in `cwd`.
 * With `groupNice` (and autogroups on), the process gets a session of its own whose scheduling group has
 * that niceness: as a worker in its own systemd unit with a low CPUWeight (docs/deploy.md), and unlike a
 * process's own niceness, which only orders it against the processes of its own group.
 * Resolves to { role, name, pid, port, exited: Promise<code or signal>, kill(signal), stop(graceMs) }.
 */
export async function startApp({
  main,
  role,
  name,
  env,
  cwd,
  logPath,
  nodeArgs = [],
  timeoutMs = 30_000,
  groupNice,
}) {
  const log = createWriteStream(logPath, { flags: "a" });
  const ownGroup = groupNice !== undefined && autogroupsOn();
  const proc = spawn(process.execPath, [...nodeArgs, main, role], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: ownGroup,
  });
  live.add(proc);
  if (ownGroup) writeFileSync(`/proc/${proc.pid}/autogroup`, String(groupNice));
  const exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve(signal ?? code)));
  void exited.then(() => live.delete(proc));
  proc.stderr.pipe(log, { end: false });

  // The log goes to the file; the first line naming the address gives the port.
  let seen = "";
  const found = new Promise((resolve) => {
    proc.stdout.on("data", (chunk) => {
      log.write(chunk);
      if (seen === undefined) return;
      seen += chunk.toString("utf8");
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(seen);
      if (m) {
        seen = undefined;
        resolve(Number(m[1]));
      }
    });
  });
  void exited.then(() => setTimeout(() => log.end(), 100));

  let timer;
  try {
    const port = await Promise.race([
      found,
      exited.then((code) => {
        throw new Error(`${name} exited (${code}) before listening; see ${logPath}`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name} did not listen in time; see ${logPath}`)),
          timeoutMs,
        );
      }),
    ]);
    const deadline = Date.now() + timeoutMs;
    while ((await get(port, "/readyz")) !== 200) {
      if (Date.now() > deadline) throw new Error(`${name} is not ready; see ${logPath}`);
      await sleep(50);
    }
    return {
      role,
      name,
      pid: proc.pid,
      port,
      exited,
      kill: (signal) => live.has(proc) && proc.kill(signal),
      stop: async (graceMs = 5_000) => {
        if (!live.has(proc)) return;
        proc.kill("SIGTERM");
        await ended(proc, exited, graceMs);
      },
    };
  } catch (err) {
    proc.kill("SIGKILL");
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every App process still running: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAllApps(graceMs = 5_000) {
  await Promise.all(
    [...live].map((proc) => {
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.kill("SIGTERM");
      return ended(proc, exited, graceMs);
    }),
  );
}

// Last resort (an uncaught error, process.exit): nothing can be awaited here, so kill outright.
process.on("exit", () => {
  for (const proc of live) proc.kill("SIGKILL");
});
