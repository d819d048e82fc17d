/**
 * V8's interrupt budget for `scan`, on Node 20's V8 (11.x): 8 times its default. A function is sent to
 * the optimising compiler once it has run that much bytecode; with V8's budget, a folder scan had about
 * 190 functions compiled across its two threads, many of them compiled again after a deoptimisation,
 * and that compiler took about a fifth of the scan's CPU. With this one, about 85: the hot loops get
 * there, the start-up code and the rarely taken paths mostly do not. Measured on the bench's 105 MB tree
 * and 5,000 tiny files (see docs/benchmarks.md). Newer V8 versions tier up through Maglev first and were
 * not measured, and V8 prints an unknown flag to standard output, so they keep their own defaults.
 */
const INTERRUPT_BUDGET = 8 * 67_584;

/**
 * Sets the budget when this is V8 11; says whether it did. Called right before a folder scan starts, so
 * the command's start-up keeps V8's defaults (an empty folder's scan took 10 ms longer with the budget
 * set from the start) while the scanning code, and the worker threads started after, get it.
 */
export async function tuneForScan(
  v8Version: string = process.versions.v8,
  setFlags?: (flags: string) => void,
): Promise<boolean> {
  if (!v8Version.startsWith("11.")) return false;
  // Loaded only here: the v8 module is a few milliseconds of every other command's start-up.
  (setFlags ?? (await import("node:v8")).setFlagsFromString)(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  return true;
}
