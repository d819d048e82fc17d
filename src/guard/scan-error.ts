/** The guard could not scan what it was asked to: nothing may be treated as clean (exit code 2). */
export class ScanError extends Error {
  override readonly name = "ScanError";
}
