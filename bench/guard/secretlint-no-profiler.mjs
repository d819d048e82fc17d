// Preloaded into secretlint (`node --import`) for the "profiler off" runs. secretlint 11 records a
// performance mark at every step of every file and, for each end mark, searches all marks recorded so
// far (@secretlint/profiler's SecretLintProfiler), so its time grows with the square of the file count.
// It has no option to switch that off, so this preload, without patching secretlint, replaces the shared
// profiler instance's `mark` with a no-op before secretlint loads. Nothing else changes: its rules,
// file list and output are the same (the bench checks the findings are identical).
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// Resolved as secretlint's own packages resolve it, so this is the very module instance they import.
const require = createRequire(import.meta.url);
const coreDir = require.resolve("@secretlint/core/package.json").replace(/package\.json$/, "");
const profilerUrl = import.meta.resolve("@secretlint/profiler", pathToFileURL(coreDir).href);
const { secretLintProfiler } = await import(profilerUrl);
secretLintProfiler.mark = () => {};
