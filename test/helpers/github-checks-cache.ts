// What the GitHub checks derive from GitHub's OpenAPI description and GraphQL schema, kept on disk: each
// test file runs in a process of its own, and re-reading the 13 MB description, converting its shared
// schemas and compiling the same validators cost about a second of every file that talks to GitHub.
// The folder is under node_modules/.cache (a clean checkout starts fresh) and named by a hash of the
// packages' versions and of the helpers that write it, so a change to either starts a new folder. A file
// is written whole under another name, then renamed into place: parallel workers never see half a file,
// and two workers that build the same file write the same bytes.

import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const NODE_MODULES = join(import.meta.dirname, "../../node_modules");

/** The packages whose contents are cached (ajv: cached validators are its code and call its runtime). */
const PACKAGES = ["@octokit/openapi", "@octokit/graphql-schema", "ajv"];

/** The helpers whose code decides what is cached. */
const WRITERS = ["github-checks-cache.ts", "openapi-description.ts"];

let folder: string | undefined;

/** This checkout's cache folder for the current packages and helpers. */
export function checksCacheDir(): string {
  if (folder) return folder;
  const hash = createHash("sha256");
  for (const name of PACKAGES) {
    const { version } = JSON.parse(readFileSync(join(NODE_MODULES, name, "package.json"), "utf8")) as {
      version: string;
    };
    hash.update(`${name}@${version}\n`);
  }
  for (const name of WRITERS) hash.update(readFileSync(join(import.meta.dirname, name)));
  return (folder = join(NODE_MODULES, ".cache/patchwright-tests", hash.digest("hex").slice(0, 16)));
}

/** The text of `file`, a file of a cache folder, built (and written) first if it is not there yet. */
export function cachedText(file: string, build: () => string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const text = build();
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
  return text;
}

/** A short, file-name-safe name for a cache key. */
export function cacheName(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 24);
}

/**
 * GitHub's GraphQL schema as an introspection result (@octokit/graphql-schema's), without its
 * descriptions: a third of the size to parse, and documentation, which validating and executing a query
 * never reads (deprecations are kept).
 */
export function githubGraphqlIntrospection(): string {
  return cachedText(join(checksCacheDir(), "graphql-introspection.json"), () =>
    JSON.stringify(
      JSON.parse(readFileSync(join(NODE_MODULES, "@octokit/graphql-schema/schema.json"), "utf8")),
      (key, value: unknown) => (key === "description" ? undefined : value),
    ),
  );
}
