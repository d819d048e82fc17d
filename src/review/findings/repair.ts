/**
 * Mends the mistakes models commonly make in a findings report before zod checks it, so a finding
 * is not lost to a "12" where 12 was meant. Nothing here invents content: a value that cannot be
 * read plainly is left as it was, for zod to reject.
 */
import { MAX_TITLE_CHARS } from "./finding.js";

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** 12, "12", "L12" or "7.5" as a number; anything else unchanged (zod then says what is wrong). */
export function toNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const m = /^\s*L?(\d+(?:\.\d+)?)\s*$/i.exec(value);
  return m ? Number(m[1]) : value;
}

const RANGE = /^\s*L?(\d+)\s*(?:-|–|—|\.\.|:|to)\s*L?(\d+)\s*$/i;

/** "12-15", [12, 15] or {start, end} as a range; undefined when it is not one. */
function toRange(value: unknown): { start: unknown; end: unknown } | undefined {
  if (typeof value === "string") {
    const m = RANGE.exec(value);
    return m ? { start: Number(m[1]), end: Number(m[2]) } : undefined;
  }
  if (Array.isArray(value) && value.length === 2)
    return { start: toNumber(value[0]), end: toNumber(value[1]) };
  if (isObject(value) && "start" in value && "end" in value) {
    return { start: toNumber(value.start), end: toNumber(value.end) };
  }
  return undefined;
}

const SEVERITY_SYNONYMS: Record<string, string> = {
  blocker: "critical",
  blocking: "critical",
  high: "major",
  error: "major",
  medium: "minor",
  moderate: "minor",
  low: "minor",
  warning: "minor",
  warn: "minor",
  info: "nit",
  note: "nit",
  trivial: "nit",
  nitpick: "nit",
};

const CATEGORY_SYNONYMS: Record<string, string> = {
  bugs: "bug",
  perf: "performance",
  logic: "correctness",
  readability: "maintainability",
  documentation: "docs",
  doc: "docs",
  tests: "test",
  testing: "test",
};

function fromSynonyms(value: unknown, synonyms: Record<string, string>): unknown {
  if (typeof value !== "string") return value;
  const key = value.trim().toLowerCase();
  return synonyms[key] ?? key;
}

/** Other names models give the fields, mapped to ours (the first one present wins). */
const ALIASES: Record<string, string[]> = {
  path: ["file", "filename", "file_path", "filePath"],
  line: ["end_line", "endLine", "line_end", "lines", "line_range", "range"],
  startLine: ["start_line", "line_start"],
  body: ["explanation", "description", "message", "details"],
  suggestion: ["suggested_replacement", "replacement", "suggested_code", "fix"],
};

function withAliases(raw: Obj): Obj {
  const out: Obj = { ...raw };
  for (const [field, names] of Object.entries(ALIASES)) {
    if (out[field] !== undefined && out[field] !== null) continue;
    const alias = names.find((n) => raw[n] !== undefined && raw[n] !== null);
    if (alias !== undefined) out[field] = raw[alias];
  }
  return out;
}

const FENCED = /^\s*```[\w-]*\n([\s\S]*?)\n?```\s*$/;

/** A finding as zod should see it, with the common mistakes mended. */
export function repairFinding(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const f = withAliases(raw);
  const range = toRange(f.line);
  if (range) {
    f.startLine = range.start;
    f.line = range.end;
  } else {
    f.line = toNumber(f.line);
  }
  f.startLine = f.startLine === null ? undefined : toNumber(f.startLine);
  if (typeof f.startLine === "number" && typeof f.line === "number" && f.startLine > f.line) {
    [f.startLine, f.line] = [f.line, f.startLine];
  }
  f.severity = fromSynonyms(f.severity, SEVERITY_SYNONYMS);
  f.category = fromSynonyms(f.category, CATEGORY_SYNONYMS);
  if (typeof f.title === "string" && f.title.trim().length > MAX_TITLE_CHARS) {
    f.title = `${f.title.trim().slice(0, MAX_TITLE_CHARS - 1)}…`;
  }
  if (f.suggestion === null) f.suggestion = undefined;
  if (Array.isArray(f.suggestion) && f.suggestion.every((l) => typeof l === "string")) {
    f.suggestion = f.suggestion.join("\n");
  }
  if (typeof f.suggestion === "string") f.suggestion = FENCED.exec(f.suggestion)?.[1] ?? f.suggestion;
  return f;
}

/** A file note under another name, or a `{path: note}` map, as our list. */
export function repairFiles(raw: unknown): unknown {
  if (isObject(raw)) return Object.entries(raw).map(([path, note]) => ({ path, note }));
  if (!Array.isArray(raw)) return raw;
  return (raw as unknown[]).map((entry) => {
    if (!isObject(entry)) return entry;
    return {
      ...entry,
      path: entry.path ?? entry.file ?? entry.filename,
      note: entry.note ?? entry.notes ?? entry.summary ?? entry.description,
    };
  });
}

const WRAPPERS = ["report", "input", "findings_report", "review", "result"];

/**
 * The report object itself: a JSON string parsed, an extra wrapper object removed, a bare list of
 * findings taken as the findings.
 */
export function unwrapReport(raw: unknown): unknown {
  const parsed = typeof raw === "string" ? (parseJson(raw) ?? raw) : raw;
  if (Array.isArray(parsed)) return { findings: parsed };
  if (!isObject(parsed)) return parsed;
  let value: Obj = parsed;
  const wrapper = "findings" in value ? undefined : WRAPPERS.find((k) => isObject(value[k]));
  if (wrapper !== undefined) value = value[wrapper] as Obj;
  const inner = value.findings;
  // {findings: {findings: [...], summary}}: the report nested in its own findings field.
  if (isObject(inner) && Array.isArray(inner.findings))
    value = { ...inner, ...value, findings: inner.findings };
  else if (isObject(inner)) value = { ...value, findings: [inner] };
  return value;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** JSON the model wrote as text instead of calling the tool: in a ```json fence, or the outermost {...}. */
export function jsonInText(text: string): unknown {
  for (const m of text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)) {
    const parsed = parseJson(m[1]!);
    if (parsed !== undefined) return parsed;
  }
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  return start >= 0 && end > start ? parseJson(text.slice(start, end + 1)) : undefined;
}
