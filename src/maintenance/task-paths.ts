import picomatch from "picomatch";

/** The changed files a task's `paths` do not cover; none when the task sets no `paths`. */
export function outsidePaths(files: readonly string[], paths: readonly string[] | undefined): string[] {
  if (!paths || paths.length === 0) return [];
  const allowed = picomatch([...paths], { dot: true });
  return files.filter((f) => !allowed(f));
}
