import { describe, expect, it } from "vitest";
import type { RegexRule } from "../../../src/guard/rules/rule.js";
import { SECRET_RULES } from "../../../src/guard/rules/secrets/index.js";
import { buildCases } from "./cases.js";
import { ALNUM, Random, scan } from "./fixtures.js";

// An anchored rule is tried only where one of its keywords starts. That must find exactly what searching
// the whole text finds: a keyword list missing one way the pattern can start would miss secrets.
const ANCHORED = SECRET_RULES.filter((r) => r.anchored);
const unanchored = (rule: RegexRule): RegexRule => ({ ...rule, anchored: false });

/** Every word the names are built of, joined up to three at a time, in three cases. */
function nameLikeWords(): string[] {
  const parts = ["pass", "word", "wd", "phrase", "secret", "token", "api", "access", "auth", "private"];
  parts.push("signing", "encryption", "master", "key", "next_page_", "csrf", "hashed_", "x");
  const seps = ["", "_", ".", "-"];
  const words = new Set<string>();
  for (const a of parts)
    for (const s of seps)
      for (const b of parts) {
        words.add(`${a}${s}${b}`);
        for (const c of ["key", "token", "_url", "word"]) words.add(`${a}${s}${b}${c}`);
      }
  return [...words].flatMap((w) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]);
}

describe("anchored rules", () => {
  it("include the generic assignment rule and Airtable's tokens (`pat`, in nearly every file)", () => {
    expect(ANCHORED.map((r) => r.id)).toEqual(
      expect.arrayContaining(["generic-secret-assignment", "airtable-personal-access-token"]),
    );
  });

  it.each(ANCHORED.filter((r) => r.keywords.includes("password")).map((r) => [r.id, r] as const))(
    "%s finds what a search of the whole text finds, for every name spelling",
    (_id, rule) => {
      const r = new Random(77);
      const lines = nameLikeWords().map((w, i) => {
        const value = r.str(20, ALNUM);
        const forms = [`${w} = "${value}"`, `${w}: ${value}`, `"${w}": "${value}",`, `export ${w}=${value}`];
        return forms[i % forms.length]!;
      });
      // Names inside values and names side by side, too.
      lines.push(`password = "token=${r.str(20, ALNUM)}"`, `token token token = ${r.str(20, ALNUM)}`);
      const text = lines.join("\n");
      const found = scan([rule], text, "src/settings.txt");
      expect(found.length).toBeGreaterThan(100);
      expect(found).toEqual(scan([unanchored(rule)], text, "src/settings.txt"));
    },
  );

  it.each(ANCHORED.map((r) => [r.id, r] as const))(
    "%s finds what a search of the whole text finds, on every rule's true positives",
    (_id, rule) => {
      for (const c of buildCases()) {
        expect(scan([rule], c.text, c.path), c.text).toEqual(scan([unanchored(rule)], c.text, c.path));
      }
    },
  );
});
