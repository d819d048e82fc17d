import { execFileSync } from "node:child_process";

// The CLI tests run the real `patchwright` bin, so build the current source once per test run, exactly
// as `npm ci` does (the build script also marks the bin executable).
export default function setup(): void {
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
}
