import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Collector } from "../collector.js";
import type { Guard } from "../engine.js";
import { ScanError } from "../scan-error.js";
import { readAhead } from "./read-ahead.js";
import { scanFile } from "./scan-file.js";

const PackList = z
  .array(z.object({ files: z.array(z.object({ path: z.string(), size: z.number() })) }))
  .min(1);

/** How npm is run; injected so tests and other package managers can stand in. */
export type ListPackFiles = (dir: string) => Promise<string[]>;

/**
 * The files `npm pack` would publish, as npm itself decides (`files`, `.npmignore`, always-included
 * files). Lifecycle scripts are not run: scanning a package must not execute its code.
 */
export const npmPackFiles: ListPackFiles = (dir) =>
  new Promise((done, fail) => {
    execFile(
      process.platform === "win32" ? "npm.cmd" : "npm",
      ["pack", "--dry-run", "--json", "--ignore-scripts"],
      { cwd: dir, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: "error" } },
      (err, stdout, stderr) => {
        if (err) {
          const reason = stderr.split("\n").find((l) => /error/i.test(l)) ?? err.message.split("\n")[0];
          return fail(new ScanError(`npm pack failed in ${dir}: ${reason}`));
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(stdout.slice(stdout.indexOf("[")));
        } catch {
          return fail(new ScanError(`npm pack printed no file list in ${dir}`));
        }
        const list = PackList.safeParse(parsed);
        if (!list.success) return fail(new ScanError(`npm pack printed an unexpected file list in ${dir}`));
        done(list.data[0]!.files.map((f) => f.path));
      },
    );
  });

/** Scans every file the package would publish, with paths as they would appear in the tarball. */
export async function scanPack(
  guard: Guard,
  dir: string,
  out: Collector,
  listFiles: ListPackFiles = npmPackFiles,
): Promise<void> {
  const root = resolve(dir);
  const files = readAhead((await listFiles(root)).sort(), (path) => join(root, path));
  for await (const [path, ahead] of files)
    await scanFile(guard, join(root, path), path, "package", out, ahead);
}
