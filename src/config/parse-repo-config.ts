import { parseDocument } from "yaml";
import type { z } from "zod";
import { RULE_CATALOG } from "../guard/rules/index.js";
import { schemaNodeAt, settingPaths } from "./json-schema.js";
import { RepoConfig } from "./schema.js";

/** A config problem, for a person: the file, the dotted field (empty for the file as a whole), and what is wrong. */
export interface ConfigError {
  file: string;
  field: string;
  /** The rest of the sentence after the field, e.g. `must be true or false, not "yes".` */
  message: string;
}

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; error: ConfigError };

/** One plain sentence, e.g. ``.github/patchwright.yml: `review.auto` must be true or false, not "yes".`` */
export function formatConfigError(e: ConfigError): string {
  return e.field ? `${e.file}: \`${e.field}\` ${e.message}` : `${e.file}: ${e.message}`;
}

/** Parses the text of `.github/patchwright.yml`; an empty file, or one holding only comments, is the default. */
export function parseRepoConfig(text: string, file: string): ConfigResult {
  const parsed = parseYaml(text, file);
  return "error" in parsed ? { ok: false, error: parsed.error } : validateRepoConfig(parsed.value, file);
}

/**
 * What `patchwright scan` says of a config's guard settings, in the words of `config check` (one
 * formatter for both): only YAML errors and the `guard` section count, since a scan reads nothing else.
 * A file named with --config may be the section alone; its fields are then named without `guard.`.
 */
export function explainGuardConfig(text: string, file: string, named: boolean): string | undefined {
  const parsed = parseYaml(text, file);
  if ("error" in parsed) return formatConfigError(parsed.error);
  const doc = parsed.value ?? {};
  const isMapping = typeof doc === "object" && !Array.isArray(doc);
  if (!isMapping) {
    const result = validateRepoConfig(doc, file);
    return result.ok ? undefined : formatConfigError(result.error);
  }
  const standalone = named && !("guard" in doc);
  const result = validateRepoConfig(
    { guard: standalone ? doc : ((doc as { guard?: unknown }).guard ?? {}) },
    file,
  );
  if (result.ok) return undefined;
  const field = standalone ? result.error.field.replace(/^guard\.?/, "") : result.error.field;
  return formatConfigError({ ...result.error, field });
}

function parseYaml(text: string, file: string): { value: unknown } | { error: ConfigError } {
  const doc = parseDocument(text);
  const yamlError = doc.errors[0];
  if (yamlError) {
    const reason = yamlError.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    const line = yamlError.linePos?.[0].line;
    return {
      error: { file, field: "", message: `not valid YAML (${line ? `line ${line}: ` : ""}${reason}).` },
    };
  }
  try {
    return { value: doc.toJS() };
  } catch (err) {
    // e.g. an alias to an anchor that is not defined (yet).
    return {
      error: { file, field: "", message: `not valid YAML (${(err as Error).message.split("\n")[0]}).` },
    };
  }
}

/** Validates an already-parsed value; undefined and null (an empty file) are the default config. */
export function validateRepoConfig(value: unknown, file: string): ConfigResult {
  const input = value ?? {};
  if (typeof input !== "object" || Array.isArray(input)) {
    return fail(
      file,
      "",
      `the top level must be a mapping of settings (like \`review:\` and \`limits:\`), not ${describeValue(input)}.`,
    );
  }
  const result = RepoConfig.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const { path, message } = explain(issue, input);
    return fail(file, fieldName(path), message);
  }
  // The schema only knows rule ids are strings; the guard knows which exist.
  const ruleIds = RULE_CATALOG.map((r) => r.id);
  const rules = result.data.guard.allow.rules;
  const unknownRule = rules.findIndex((id) => !ruleIds.includes(id));
  if (unknownRule >= 0) {
    const id = rules[unknownRule]!;
    const close = closest(id, ruleIds);
    return fail(
      file,
      fieldName(["guard", "allow", "rules", unknownRule]),
      `must be the id of a leak guard rule (see docs/leak-guard.md), not ${describeValue(id)}` +
        (close ? ` (did you mean \`${close}\`?)` : "."),
    );
  }
  return { ok: true, config: result.data };
}

function fail(file: string, field: string, message: string): ConfigResult {
  return { ok: false, error: { file, field, message } };
}

function explain(issue: z.core.$ZodIssue, input: object): { path: PropertyKey[]; message: string } {
  const path = issue.path;
  const value = valueAt(input, path);
  const not = `not ${describeValue(value)}.`;
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownKey([...path], issue.keys[0]!);
    case "invalid_type":
      if (value === undefined) return { path, message: "is required." };
      return { path, message: `must be ${EXPECTED[issue.expected] ?? issue.expected}, ${not}` };
    case "too_small":
    case "too_big":
      if (issue.origin === "number") return { path, message: `must be ${range(path)}, ${not}` };
      return { path, message: sizeMessage(issue) };
    case "invalid_value":
      return { path, message: `must be ${oneOf(issue.values.map((v) => `\`${String(v)}\``))}, ${not}` };
    case "invalid_format":
    case "custom":
      // A check across fields words the whole rest of the sentence itself.
      if (issue.code === "custom" && issue.params?.["sentence"] === true) {
        return { path, message: stop(issue.message) };
      }
      if (issue.message.startsWith("must ")) return { path, message: `${issue.message}, ${not}` };
      return {
        path,
        message: issue.message.startsWith("not ")
          ? `is ${describeValue(value)}, which is ${stop(issue.message)}`
          : `is ${describeValue(value)}, which is not valid: ${stop(issue.message)}`,
      };
    case "invalid_key": {
      const inner = issue.issues[0]?.message ?? "is not allowed";
      return { path, message: `is not a valid name: the name ${stop(inner)}` };
    }
    default:
      return { path, message: `is not valid: ${stop(issue.message)}` };
  }
}

const EXPECTED: Record<string, string> = {
  boolean: "true or false",
  number: "a number",
  int: "a whole number",
  string: "a string",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function unknownKey(parent: PropertyKey[], key: string): { path: PropertyKey[]; message: string } {
  const path = [...parent, key];
  const siblings = Object.keys(schemaNodeAt(parent)?.properties ?? {});
  const near = closest(key, siblings);
  if (near) return { path, message: `is not a setting (did you mean \`${near}\`?)` };
  // A nested setting written at the top, e.g. `maxTurns` instead of `limits.maxTurns`. (Only at the top:
  // further down, a name found elsewhere usually means something else there.)
  if (parent.length === 0) {
    const nested = settingPaths().filter((p) => /^[\w.]+$/.test(p) && leafMatches(p, key));
    if (nested.length === 1) return { path, message: `is not a setting (did you mean \`${nested[0]!}\`?)` };
  }
  const which = parent.length ? `settings under \`${fieldName(parent)}\`` : "top-level settings";
  const list = siblings.map((s) => `\`${s}\``);
  return { path, message: `is not a setting; the ${which} are ${oneOf(list, "and")}.` };
}

function leafMatches(path: string, key: string): boolean {
  return normalize(path.slice(path.lastIndexOf(".") + 1)) === normalize(key);
}

/** The known name a typo most likely meant: same letters ignoring case, `_` and `-`, or one or two edits away. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = normalize(word);
  const exact = candidates.find((c) => normalize(c) === w);
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(w, normalize(c));
    if (!best || distance < best.distance) best = { name: c, distance };
  }
  const allowed = w.length >= 6 ? 2 : 1;
  return best && best.distance <= allowed ? best.name : undefined;
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, "");
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Both bounds of a number field, read from the schema so the message names the whole range. */
function range(path: readonly PropertyKey[]): string {
  const node = schemaNodeAt(path) ?? {};
  const low =
    node.exclusiveMinimum !== undefined
      ? { text: `more than ${node.exclusiveMinimum}`, n: node.exclusiveMinimum }
      : node.minimum !== undefined
        ? { text: `at least ${node.minimum}`, n: node.minimum }
        : undefined;
  const high =
    node.exclusiveMaximum !== undefined
      ? { text: `less than ${node.exclusiveMaximum}`, n: node.exclusiveMaximum }
      : node.maximum !== undefined
        ? { text: `at most ${node.maximum}`, n: node.maximum }
        : undefined;
  if (low && high && node.minimum !== undefined && node.maximum !== undefined) {
    return `between ${low.n} and ${high.n}`;
  }
  return [low?.text, high?.text].filter(Boolean).join(" and ");
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const unit = issue.origin === "string" ? "characters" : "items";
  if (issue.code === "too_small") {
    return Number(issue.minimum) <= 1 ? "must not be empty." : `must have at least ${issue.minimum} ${unit}.`;
  }
  return `must have at most ${issue.maximum} ${unit}.`;
}

function oneOf(items: string[], last = "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1)!}`;
}

function stop(s: string): string {
  return /[.?!]$/.test(s) ? s : `${s}.`;
}

/** `review.pathInstructions[0].path`: dots between keys, brackets around list positions. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** How a value reads in a sentence: strings quoted (and shortened), lists and mappings by kind. */
function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === "number")
    return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "not a number" : "infinite";
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return typeof v;
}
