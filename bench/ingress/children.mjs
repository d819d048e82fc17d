// Child processes for `npm run bench:ingress`: forks a script with an IPC channel and its output in a log
// file, asks it questions (rpc, with a time limit) and stops it (SIGTERM, then SIGKILL). Every child started
// here is tracked, so stopAll() and the exit hook leave none behind, also when the run fails.
import { fork } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";

const live = new Set();

/**
 * Forks `script` and waits for its first { type: "ready" } message (or, when `start` is given, for the
 * answer to that command). Resolves to { name, pid, port, rpc(cmd, data, timeoutMs), stop() }.
 */
export async function startChild({ script, args = [], name, logPath, start, timeoutMs = 20_000 }) {
  const fd = openSync(logPath, "a");
  const proc = fork(script, args, { stdio: ["ignore", fd, fd, "ipc"], serialization: "json" });
  closeSync(fd);
  live.add(proc);
  let exited = false;
  const exitedPromise = new Promise((resolve) => proc.once("exit", resolve));
  void exitedPromise.then(() => {
    exited = true;
    live.delete(proc);
  });

  let nextId = 1;
  const waiting = new Map();
  proc.on("message", (msg) => {
    const entry = msg && waiting.get(msg.id);
    if (!entry) return;
    waiting.delete(msg.id);
    if (msg.type === "error") entry.reject(new Error(`${name}: ${msg.message}`));
    else entry.resolve(msg);
  });
  void exitedPromise.then((code) => {
    for (const entry of waiting.values()) entry.reject(new Error(`${name} exited (${code}); see ${logPath}`));
    waiting.clear();
  });

  const rpc = (cmd, data = {}, ms = 10_000) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${name} is not running; see ${logPath}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${name} did not answer ${cmd} within ${ms} ms`));
      }, ms);
      const settle = (fn) => (v) => {
        clearTimeout(timer);
        fn(v);
      };
      waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      proc.send({ id, cmd, ...data });
    });

  const stop = async () => {
    if (exited) return;
    try {
      proc.send({ cmd: "stop" });
    } catch {
      // The channel is already closed; the signals below still apply.
    }
    let timer;
    const gone = await Promise.race([
      exitedPromise.then(() => true),
      new Promise((resolve) => (timer = setTimeout(() => resolve(false), 2_000))),
    ]);
    clearTimeout(timer);
    if (!gone) {
      proc.kill("SIGKILL");
      await exitedPromise;
    }
  };

  try {
    let port;
    if (start) {
      ({ port } = await rpc("start", start, timeoutMs));
    } else {
      port = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not start; see ${logPath}`)), timeoutMs);
        proc.on("message", (msg) => {
          if (msg?.type === "ready") {
            clearTimeout(timer);
            resolve(msg.port);
          }
        });
        void exitedPromise.then((code) => reject(new Error(`${name} exited (${code}); see ${logPath}`)));
      });
    }
    return { name, pid: proc.pid, port, rpc, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Stops every child still running. */
export async function stopAll() {
  await Promise.all(
    [...live].map(async (proc) => {
      proc.kill("SIGTERM");
      let timer;
      await Promise.race([
        new Promise((resolve) => proc.once("exit", resolve)),
        new Promise((resolve) => (timer = setTimeout(resolve, 2_000))),
      ]);
      clearTimeout(timer);
      if (live.has(proc)) proc.kill("SIGKILL");
    }),
  );
}

// Last resort (an uncaught error, process.exit): nothing can be awaited here, so kill outright.
process.on("exit", () => {
  for (const proc of live) proc.kill("SIGKILL");
});
