import { describe, expect, it } from "vitest";
import { GuardConfig } from "../../src/guard/config.js";
import { scan } from "../../src/guard/scan.js";
import { ScanError } from "../../src/guard/scan-error.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";
import { npmToken, prng } from "../helpers/tokens.js";

const rand = prng(9);
const config = GuardConfig.parse({});

describe("scan --pack", () => {
  it("scans exactly what npm pack would publish", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "package.json": JSON.stringify({ name: "demo-pkg", version: "1.0.0", files: ["dist", ".env"] }),
      "dist/index.js": "export const x = 1;\n//# sourceMappingURL=index.js.map\n",
      "dist/index.js.map": JSON.stringify({
        version: 3,
        sources: ["../src/index.ts"],
        sourcesContent: ["export const x = 1;\n"],
      }),
      ".env": "DATABASE_URL=postgres://localhost/dev\n",
      ".npmrc": `//registry.npmjs.org/:_authToken=${npmToken(rand)}\n`, // npm never publishes .npmrc
      "dist/debug.log": `token=${npmToken(rand)}\n`,
      "src/not-published.ts": `const t = "${npmToken(rand)}";\n`,
    });
    const report = await scan({ mode: "pack", dir: "." }, { cwd: dir, config });
    expect([...new Set(report.findings.map((f) => f.path))].sort()).toEqual([
      ".env",
      "dist/debug.log",
      "dist/index.js.map",
    ]);
    expect(report.findings.every((f) => f.where === "package")).toBe(true);
    expect(report.findings.map((f) => f.ruleId)).toContain("source-map-sources-content");
    expect(report.findings.map((f) => f.ruleId)).toContain("env-file");
  });

  it("is clean for a package that ships only built code", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "package.json": JSON.stringify({ name: "clean-pkg", version: "1.0.0", files: ["dist/*.js"] }),
      "dist/index.js": "export const x = 1;\n",
      "dist/index.js.map": JSON.stringify({ version: 3, sourcesContent: ["secret"] }),
    });
    const report = await scan({ mode: "pack", dir }, { cwd: tempDir(), config });
    expect(report.findings).toEqual([]);
    expect(report.stats.files).toBe(2);
  });

  it("cannot scan a folder without package.json", async () => {
    await expect(scan({ mode: "pack", dir: "." }, { cwd: tempDir(), config })).rejects.toThrow(ScanError);
  });
});
