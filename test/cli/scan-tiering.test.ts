import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tuneForScan } from "../../src/cli/scan-tiering.js";
import { tempDir } from "../helpers/temp-repo.js";

const BIN = join(import.meta.dirname, "../../dist/cli/main.js");

describe("tuneForScan", () => {
  it("raises V8's interrupt budget on V8 11 only: another V8 would print an unknown flag on stdout", async () => {
    const set: string[] = [];
    expect(await tuneForScan("11.3.244.8-node.38", (f) => set.push(f))).toBe(true);
    expect(set).toEqual(["--interrupt-budget=540672"]);
    for (const other of ["12.4.254.21-node.33", "13.6.233.10-node.24", "10.2.154.26-node.31"])
      expect(await tuneForScan(other, (f) => set.push(f))).toBe(false);
    expect(set).toHaveLength(1);
  });

  it("leaves the scan's output as it was: JSON, and nothing from V8", () => {
    const r = spawnSync(process.execPath, [BIN, "scan", tempDir(), "--format", "json"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [] });
  });
});
