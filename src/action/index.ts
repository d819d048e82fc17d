// The Action's entry (bundled to bundle/action.js): runs it once. main.ts exports `run` without running
// it, so `@github/local-action` can import and drive it.
import { run } from "./main.js";

await run();
