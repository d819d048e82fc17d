// Adversarial inputs: single ~1 MB lines built to make naive regexes backtrack (a keyword followed by a
// megabyte of one character, a token prefix repeated, an unterminated PEM header, ...), or to make the
// derived texts (joined literals, decoded base64 and hex) as large or as costly as they can be. Each sits
// in its own directory and is scanned by patchwright alone; an empty directory gives the start-up baseline.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPatchwright } from "./run-tool.mjs";

const N = 1_000_000;
const CASES = {
  "password-then-1e6-a": () => "password=" + "a".repeat(N),
  "quoted-password-unterminated": () => 'password = "' + "a1".repeat(N / 2),
  "ghp-prefix-repeated": () => ("gh" + "p_").repeat(N / 4),
  "github-pat-underscores": () => ["github", "pat", ""].join("_") + "_".repeat(N),
  "pem-header-no-end": () => "-----" + "BEGIN RSA PRIVATE" + " KEY-----" + "A".repeat(N),
  "url-userinfo-no-at": () => "https://" + "a:".repeat(N / 2),
  "slack-dash-runs": () => "xo" + "xb-" + "1-".repeat(N / 2),
  "assignments-run-on": () => "token=".repeat(N / 6),
  // Derived text: every quote a join, literals joined without end, an encoding of ASCII at every
  // alignment (4 base64 decodings of the whole line), hex of ASCII at both alignments.
  "empty-literals-run-on": () => '"" '.repeat(N / 3),
  "joined-literals-run-on": () => '"a" + '.repeat(N / 6),
  "base64-one-character": () => "A".repeat(N),
  "hex-of-ascii-run-on": () => "41".repeat(N / 2),
};

export function ensureAdversarial(dir) {
  const out = {};
  mkdirSync(join(dir, "empty"), { recursive: true });
  for (const [name, make] of Object.entries(CASES)) {
    const caseDir = join(dir, name);
    const file = join(caseDir, "input.txt");
    if (!existsSync(file)) {
      mkdirSync(caseDir, { recursive: true });
      writeFileSync(file, make() + "\n");
    }
    out[name] = caseDir;
  }
  return { empty: join(dir, "empty"), cases: out };
}

/** Scans each case once (after the empty baseline); a case over `timeoutMs` is killed and reported. */
export async function runAdversarial(dir, { timeoutMs = 60_000 } = {}) {
  const { empty, cases } = ensureAdversarial(dir);
  const baseline = await runPatchwright(empty, { timeoutMs });
  const rows = [
    {
      name: "(empty dir: start-up)",
      seconds: baseline.seconds,
      scanMs: baseline.stats?.ms ?? null,
      findings: baseline.findings.length,
      timedOut: false,
    },
  ];
  for (const [name, caseDir] of Object.entries(cases)) {
    const r = await runPatchwright(caseDir, { timeoutMs });
    rows.push({
      name,
      seconds: r.seconds,
      scanMs: r.stats?.ms ?? null,
      findings: r.findings.length,
      rules: [...new Set(r.findings.map((f) => f.rule))],
      timedOut: r.timedOut,
    });
  }
  return rows;
}
