import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { z } from "zod";
import { GuardConfig } from "./config.js";
import { RULE_CATALOG } from "./rules/index.js";
import { gitOutput, gitSucceeds } from "./sources/git-process.js";
import { ScanError } from "./scan-error.js";
import { describeFsError } from "./sources/describe-fs-error.js";

export const REPO_CONFIG = ".github/patchwright.yml";
export const TERMS_ENV = "PATCHWRIGHT_FORBIDDEN_TERMS";
export const TERM_HASHES_ENV = "PATCHWRIGHT_FORBIDDEN_TERM_HASHES";

export interface LoadedConfig {
  config: GuardConfig;
  /** Things a person should know, e.g. that plain forbidden terms sit in a public file. */
  warnings: string[];
}

/**
 * The guard's settings, from (in order): the file given with --config, else the repository's
 * `.github/patchwright.yml` when it has a `guard` section; then forbidden terms from the environment
 * (PATCHWRIGHT_FORBIDDEN_TERMS, PATCHWRIGHT_FORBIDDEN_TERM_HASHES: comma or newline separated), which is
 * where secret lists belong, since a list in a public file would itself leak the terms.
 */
export async function loadGuardConfig(opts: {
  file?: string | undefined;
  repoRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * Read a config inside the repository as it is in this commit (a pull request's base), not from the
   * checkout: whoever writes the scanned commits must not be able to loosen the rules they are scanned by.
   */
  fromCommit?: string;
  /**
   * The sentence saying what is wrong with the config's text, or undefined when it is valid: given, it
   * words the errors (so `scan` says what `config check` says); the guard's own check stays the backstop.
   * `named`: the file was given with --config, so it may be the guard section alone. It may be async, so
   * a caller can load the repository config's schema only when there is a file to explain.
   */
  explainInvalid?: (
    text: string,
    shown: string,
    named: boolean,
  ) => string | undefined | Promise<string | undefined>;
}): Promise<LoadedConfig> {
  const warnings: string[] = [];
  const path = opts.file ? resolve(opts.cwd, opts.file) : join(opts.repoRoot, REPO_CONFIG);
  const shown = opts.file ?? REPO_CONFIG;
  const fromRoot = relative(opts.repoRoot, path);
  const inRepo = !fromRoot.startsWith("..") && !isAbsolute(fromRoot);
  const raw =
    opts.fromCommit && inRepo
      ? await readAtCommit(opts.repoRoot, opts.fromCommit, fromRoot.split(sep).join("/"), shown, !opts.file)
      : await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
          if (!opts.file && err.code === "ENOENT") return undefined;
          throw new ScanError(describeFsError(err, `the config ${shown}`).replace(/\.$/, ""));
        });

  let config = GuardConfig.parse({});
  if (raw !== undefined) {
    const invalid = await opts.explainInvalid?.(raw, shown, opts.file !== undefined);
    if (invalid !== undefined) throw new ScanError(invalid.replace(/\.$/, ""));
    let doc: unknown;
    // Loaded only when there is a file to parse: most scans have none, and start-up is paid on every run.
    const { parse } = await import("yaml");
    try {
      doc = parse(raw) ?? {};
    } catch (err) {
      throw new ScanError(`the config ${shown} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    // A repository config holds more than the guard's section; a file of its own may be the section alone.
    const isRepoConfig = typeof doc === "object" && doc !== null && "guard" in doc;
    if (isRepoConfig || !opts.file) {
      const section = (doc as { guard?: unknown }).guard ?? {};
      config = parseConfig(section, shown, "guard.");
    } else {
      config = parseConfig(doc, shown, "");
    }
    if (inRepo && config.forbiddenTerms.length > 0) {
      warnings.push(
        `${shown} lists forbidden terms in plain text inside the repository, which leaks them; ` +
          `list them as hashes (patchwright hash-term) or pass them in ${TERMS_ENV}`,
      );
    }
  }

  const envHashes = parseConfig(
    { forbiddenTermHashes: splitList(opts.env[TERM_HASHES_ENV]) },
    TERM_HASHES_ENV,
    "",
  );
  return {
    config: {
      ...config,
      forbiddenTerms: [...config.forbiddenTerms, ...splitList(opts.env[TERMS_ENV])],
      forbiddenTermHashes: [...config.forbiddenTermHashes, ...envHashes.forbiddenTermHashes],
    },
    warnings,
  };
}

function parseConfig(value: unknown, source: string, prefix: string): GuardConfig {
  const result = GuardConfig.safeParse(value);
  if (!result.success) throw new ScanError(`${source}: ${describe(result.error, prefix)}`);
  const known = new Set(RULE_CATALOG.map((r) => r.id));
  const unknown = result.data.allow.rules.find((id) => !known.has(id));
  if (unknown) throw new ScanError(`${source}: ${prefix}allow.rules: no rule is called "${unknown}"`);
  return result.data;
}

function describe(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0]!;
  const field = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    return `${prefix}${field ? `${field}.` : ""}${issue.keys[0]}: unknown setting`;
  }
  return `${prefix}${field}: ${issue.message}`;
}

/** A list given as text: comma or newline separated, blanks dropped. */
export function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A file as it is in `commit`; undefined when it is not there and may be missing. */
async function readAtCommit(
  repo: string,
  commit: string,
  path: string,
  shown: string,
  mayBeMissing: boolean,
): Promise<string | undefined> {
  if (commit.startsWith("-")) throw new ScanError(`"${commit}" is not a commit`);
  const there = await gitSucceeds(repo, ["cat-file", "-e", `${commit}:${path}`]);
  if (!there) {
    if (mayBeMissing) return undefined;
    throw new ScanError(`cannot read the config ${shown}: it is not in ${commit.slice(0, 12)}`);
  }
  return gitOutput(repo, ["cat-file", "blob", `${commit}:${path}`]);
}
