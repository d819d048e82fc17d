// Ground truth: turns a generated file (haystack lines + planted inserts) into its final text while
// recording where every planted secret and every tagged negative ends up (1-based line numbers), and
// reads/writes `truth.json`.
import { readFileSync, writeFileSync } from "node:fs";

/**
 * file: { path, out: { lines, tags }, inserts: Map<index, insert[]>, crlf }
 * insert: { text, kind, negative, lineOffset?, span? } placed before haystack line `index`.
 */
export function renderFile(file, secrets, negatives) {
  const nl = file.crlf ? "\r\n" : "\n";
  const { lines, tags } = file.out;
  const parts = [];
  let line = 1;
  for (let i = 0; i <= lines.length; i++) {
    for (const ins of file.inserts.get(i) ?? []) {
      const insLines = ins.text.split("\n");
      parts.push(insLines.join(nl));
      if (ins.negative) negatives.push({ path: file.path, line, kind: ins.kind, planted: true });
      else {
        const start = line + (ins.lineOffset ?? 0);
        const entry = { path: file.path, line: start, kind: ins.kind };
        if ((ins.span ?? 1) > 1) entry.endLine = start + ins.span - 1;
        secrets.push(entry);
      }
      line += insLines.length;
    }
    if (i < lines.length) {
      parts.push(lines[i]);
      const tag = tags.get(i);
      if (tag) negatives.push({ path: file.path, line, kind: tag });
      line++;
    }
  }
  return parts.join(nl) + nl;
}

const rows = (list) => "[\n" + list.map((e) => "    " + JSON.stringify(e)).join(",\n") + "\n  ]";

export function writeTruth(path, truth) {
  const { secrets, negatives, kinds, ...head } = truth;
  const headJson = JSON.stringify(head, null, 2).slice(0, -2);
  const kindRows = Object.entries(kinds).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  writeFileSync(
    path,
    `${headJson},\n  "kinds": {\n${kindRows.join(",\n")}\n  },\n  "secrets": ${rows(secrets)},\n  "negatives": ${rows(negatives)}\n}\n`,
  );
}

export function readTruth(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}
