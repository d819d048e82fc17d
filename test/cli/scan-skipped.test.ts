import { readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run-cli.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(61);

function sarifValidator(): ((log: unknown) => boolean) & { errors?: unknown } {
  const require = createRequire(import.meta.url);
  const platformPackage = dirname(
    require.resolve(
      `@microsoft/sarif-multitool-${process.platform === "win32" ? "win32" : process.platform}/package.json`,
    ),
  );
  const schema = JSON.parse(readFileSync(join(platformPackage, "sarif-2.1.0.json"), "utf8")) as object;
  return new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

describe("patchwright scan lists what it skipped", () => {
  it("in every format, with a token in a binary file found", async () => {
    const dir = tempDir();
    const token = githubToken(rand);
    writeFiles(dir, {
      "app.wasm": Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 0]), Buffer.from(token)]),
    });
    symlinkSync("/etc/hostname", join(dir, "hostname"));

    const text = await cli(["scan", "."], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("app.wasm:1:6  github-pat-classic");
    expect(text.stdout).toContain("Not scanned, or scanned only in part:\napp.wasm  binary  ");
    expect(text.stdout).toContain("hostname  symlink  ");
    expect(text.stdout).not.toContain(token);

    const json = JSON.parse((await cli(["scan", ".", "--format", "json"], { cwd: dir })).stdout) as {
      skipped: { path: string; reason: string }[];
      stats: { skipped: number };
    };
    expect(json.skipped.map((s) => [s.path, s.reason])).toEqual([
      ["app.wasm", "binary"],
      ["hostname", "symlink"],
    ]);
    expect(json.stats.skipped).toBe(2);

    const sarif = await cli(["scan", ".", "--format", "sarif"], { cwd: dir });
    const log = JSON.parse(sarif.stdout) as {
      runs: { invocations: { toolExecutionNotifications: { descriptor: { id: string } }[] }[] }[];
    };
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.descriptor.id)).toEqual([
      "skipped-binary",
      "skipped-symlink",
    ]);
  });
});
