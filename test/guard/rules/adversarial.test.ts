import { describe, expect, it } from "vitest";
import type { RegexRule } from "../../../src/guard/rules/rule.js";
import { SECRET_RULES } from "../../../src/guard/rules/secrets/index.js";
import { scan } from "./fixtures.js";

// Long lines built to make a backtracking regex blow up: keywords over and over, and long runs of each
// character class a rule's pattern uses, glued to its keywords. There is no timing assertion, only a
// timeout as a backstop: a linear rule scans its lines in well under 100 ms, a polynomial one takes seconds
// and an exponential one never finishes.

const SIZE = 200_000;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("") + "\n";

function fill(unit: string, size = SIZE): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** The alphabet of each bracket class in the pattern, as the printable characters it accepts. */
function alphabets(rule: RegexRule): string[] {
  const out = new Set<string>();
  for (const cls of rule.pattern.source.match(/\[(?:\\.|[^\]\\])+\]/g) ?? []) {
    const re = new RegExp(`^${cls}$`, rule.pattern.flags.replace("g", ""));
    const chars = [...PRINTABLE].filter((c) => re.test(c)).join("");
    if (chars) out.add(chars);
  }
  return [...out];
}

/** Mostly the first characters of the alphabet, like a token that runs on and on. */
function run(alphabet: string, length: number): string {
  let s = "";
  for (let i = 0; s.length < length; i++) s += alphabet[(i * 7) % alphabet.length];
  return s;
}

/** Two ~200 KB lines per rule: its keywords repeated, then long runs of each of its character classes. */
function adversarialLines(rule: RegexRule): string[] {
  const keywords = rule.keywords.slice(0, 8);
  const alphabetsAndUnion = alphabets(rule);
  alphabetsAndUnion.push([...new Set(alphabetsAndUnion.join(""))].join(""));
  const union = alphabetsAndUnion.at(-1)!;
  // A token that never ends, right after a keyword, for each class.
  const runs = alphabetsAndUnion.map((a, i) => keywords[i % keywords.length] + run(a, 30_000));
  const first = fill(keywords.join(""), 40_000) + runs.join(" ");
  // Keywords, `=`, and runs just long enough (or just too long) to look like a value, many times over.
  const second = fill(keywords.map((k, i) => `${k}=${run(union, 20 + i * 53)} ${k}`).join(""));
  return [first, second];
}

describe("adversarial input", () => {
  it.each(SECRET_RULES.map((r) => [r.id, r] as const))(
    "%s scans long hostile lines",
    (_id, rule) => {
      for (const line of adversarialLines(rule)) {
        const findings = scan([rule], line, "src/big.ts");
        expect(Array.isArray(findings)).toBe(true);
      }
    },
    5_000,
  );

  it("all rules on a 1 MB line of one character, and after password=", () => {
    const a = "a".repeat(1_000_000);
    expect(scan(SECRET_RULES, a)).toEqual([]);
    expect(scan(SECRET_RULES, `password=${a}`)).toEqual([]);
    expect(scan(SECRET_RULES, `token: "${a}"`)).toEqual([]);
  });

  it("all rules on 1 MB of every keyword, repeated", () => {
    const keywords = [...new Set(SECRET_RULES.flatMap((r) => r.keywords))];
    expect(Array.isArray(scan(SECRET_RULES, fill(keywords.join(""), 1_000_000)))).toBe(true);
    expect(Array.isArray(scan(SECRET_RULES, fill(keywords.join(" = "), 1_000_000)))).toBe(true);
  });
});
