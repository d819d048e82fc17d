// Preloaded into each benchmarked tool with `node --import`: when the main thread exits, writes the
// process's peak resident set size in KiB (process.resourceUsage().maxRSS) to the file named by
// BENCH_RSS_FILE. The variable is removed at once so child processes of the tool do not overwrite it.
import { writeFileSync } from "node:fs";
import process from "node:process";
import { isMainThread } from "node:worker_threads";

const out = process.env.BENCH_RSS_FILE;
if (out && isMainThread) {
  delete process.env.BENCH_RSS_FILE;
  process.on("exit", () => {
    try {
      writeFileSync(out, String(process.resourceUsage().maxRSS));
    } catch {
      // Nothing useful to do while exiting; the bench reports the RSS as unknown.
    }
  });
}
