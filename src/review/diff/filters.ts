import picomatch from "picomatch";
import type { RepoConfig } from "../../config/schema.js";
import type { DiffFile } from "./diff-file.js";
import type { NotReviewed, NotReviewedReason } from "./not-reviewed.js";

export type PathsConfig = RepoConfig["review"]["paths"];
export type PathInstruction = RepoConfig["review"]["pathInstructions"][number];

const GLOB = { dot: true } as const;

// Files a reviewer gains nothing from reading, left out whatever the configuration says (the schema
// documents it that way): their diffs are long, machine-made, and would crowd out the code.
export const DEFAULT_EXCLUDES: { reason: NotReviewedReason; detail: string; globs: string[] }[] = [
  {
    reason: "lockfile",
    detail: "lockfile",
    globs: [
      "package-lock.json",
      "npm-shrinkwrap.json",
      "yarn.lock",
      "pnpm-lock.yaml",
      "bun.lock",
      "bun.lockb",
      "deno.lock",
      "Cargo.lock",
      "poetry.lock",
      "Pipfile.lock",
      "pdm.lock",
      "uv.lock",
      "Gemfile.lock",
      "go.sum",
      "go.work.sum",
      "composer.lock",
      "Podfile.lock",
      "Package.resolved",
      "pubspec.lock",
      "mix.lock",
      "flake.lock",
      "packages.lock.json",
      "gradle.lockfile",
      ".terraform.lock.hcl",
    ].map((name) => `**/${name}`),
  },
  {
    reason: "generated",
    detail: "generated file",
    globs: [
      "**/*.generated.*",
      "**/*.pb.go",
      "**/*.pb.cc",
      "**/*.pb.h",
      "**/*_pb2.py",
      "**/*_pb2.pyi",
      "**/*_pb2_grpc.py",
      "**/*.g.dart",
      "**/*.freezed.dart",
      "**/dist/**",
      "**/build/**",
      "**/__snapshots__/**",
      "**/*.snap",
    ],
  },
  {
    reason: "vendored",
    detail: "vendored code",
    globs: [
      "**/vendor/**",
      "**/third_party/**",
      "**/third-party/**",
      "**/node_modules/**",
      "**/bower_components/**",
    ],
  },
  {
    reason: "minified",
    detail: "minified file",
    globs: ["**/*.min.js", "**/*.min.mjs", "**/*.min.cjs", "**/*.min.css", "**/*.map"],
  },
];

const defaultMatchers = DEFAULT_EXCLUDES.map((group) => ({
  ...group,
  isMatch: picomatch(group.globs, GLOB),
}));

/** Lines this long on average are minified or data, not code someone wrote. */
const MINIFIED_AVERAGE_LINE = 500;
/** Where generators put their "do not edit" banner. */
const BANNER_LINES = 5;
const GENERATED_BANNER = /@generated\b|\bDO NOT EDIT\b/;

export interface FilteredFiles {
  files: DiffFile[];
  notReviewed: NotReviewed[];
}

/** Keeps the files the configuration and the default exclusions let through; names the others. */
export function filterFiles(files: readonly DiffFile[], paths: PathsConfig): FilteredFiles {
  const included = picomatch(paths.include, GLOB);
  const excluded = paths.exclude.length > 0 ? picomatch(paths.exclude, GLOB) : () => false;
  const kept: DiffFile[] = [];
  const notReviewed: NotReviewed[] = [];
  for (const file of files) {
    const skip = exclusion(file, included, excluded);
    if (skip) notReviewed.push({ path: file.path, ...skip });
    else kept.push(file);
  }
  return { files: kept, notReviewed };
}

function exclusion(
  file: DiffFile,
  included: (path: string) => boolean,
  excluded: (path: string) => boolean,
): Pick<NotReviewed, "reason" | "detail"> | undefined {
  if (!included(file.path)) return { reason: "config", detail: "not matched by `review.paths.include`" };
  if (excluded(file.path)) return { reason: "config", detail: "excluded by `review.paths.exclude`" };
  const byPath = defaultMatchers.find((m) => m.isMatch(file.path));
  if (byPath) return { reason: byPath.reason, detail: byPath.detail };
  if (hasGeneratedBanner(file)) return { reason: "generated", detail: "generated file (its header says so)" };
  if (looksMinified(file)) return { reason: "minified", detail: "looks minified (very long lines)" };
  return undefined;
}

/** A "DO NOT EDIT" or "@generated" banner in the first lines of the new file, when the diff shows them. */
function hasGeneratedBanner(file: DiffFile): boolean {
  const first = file.hunks[0];
  if (!first || first.newStart !== 1) return false;
  return first.lines
    .filter((l) => l.newLine !== undefined && l.newLine <= BANNER_LINES)
    .some((l) => GENERATED_BANNER.test(l.text));
}

function looksMinified(file: DiffFile): boolean {
  const lines = file.hunks.flatMap((h) => h.lines).filter((l) => l.kind !== "del");
  if (lines.length === 0) return false;
  const chars = lines.reduce((sum, l) => sum + l.text.length, 0);
  return chars / lines.length > MINIFIED_AVERAGE_LINE;
}

/** The configured path instructions that apply to at least one of `paths`, in configuration order. */
export function pathInstructionsFor(
  paths: readonly string[],
  pathInstructions: readonly PathInstruction[],
): PathInstruction[] {
  return pathInstructions.filter((p) => {
    const isMatch = picomatch(p.path, GLOB);
    return paths.some((path) => isMatch(path));
  });
}
