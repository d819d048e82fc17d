import picomatch from "picomatch";

const GLOB = { dot: true } as const;

/**
 * Whether a "/"-separated path matches any of `globs` and none of `ignore`: what picomatch's matcher
 * answers, from the regular expressions it compiles, without the wrappers it runs around each test
 * (two or three functions a glob, several for each ignore list). The guard asks this for every file
 * and every rule limited to some paths; those wrappers were among the functions V8 compiled most often.
 */
export function globTest(
  globs: readonly string[],
  ignore: readonly string[] = [],
): (path: string) => boolean {
  const compiled = globs.map((glob) => ({ glob, re: picomatch.makeRe(glob, GLOB) }));
  const ignored = ignore.length ? globTest(ignore) : undefined;
  // As picomatch: no glob matches an empty path, and a path equal to a glob matches it as written.
  return (path) =>
    path !== "" && compiled.some(({ glob, re }) => path === glob || re.test(path)) && !ignored?.(path);
}
