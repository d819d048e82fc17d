import { execFileSync } from "node:child_process";

// The CLI tests run the real `patchwright` bin, so compile the current source once per test run.
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
