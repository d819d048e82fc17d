import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_RULES } from "../../../src/guard/rules/secrets/index.js";
import { buildCases } from "./cases.js";
import { ALNUM, B64, HEX, P, Random, checksummed, scan } from "./fixtures.js";

const cases = buildCases();

describe("secret rule catalogue", () => {
  it("has at least 65 rules with unique kebab-case ids, all in the secret category", () => {
    const ids = SECRET_RULES.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(65);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of SECRET_RULES) {
      expect(rule.category).toBe("secret");
      expect(rule.description).not.toMatch(/\n/);
      expect(rule.pattern.flags).toContain("g");
      expect(rule.pattern.flags).not.toContain("y");
      for (const k of rule.keywords) expect(k).toBe(k.toLowerCase());
    }
  });

  it("bounds every quantifier (no +, * or {n,} outside a character class)", () => {
    const unbounded: string[] = [];
    for (const rule of SECRET_RULES) {
      const src = rule.pattern.source;
      let inClass = false;
      for (let i = 0; i < src.length; i++) {
        const c = src[i]!;
        if (c === "\\") i++;
        else if (inClass) inClass = c !== "]";
        else if (c === "[") inClass = true;
        else if (c === "+" || c === "*" || /^\{\d+,\}/.test(src.slice(i)))
          unbounded.push(`${rule.id}: ${src}`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it("has a true-positive case for every rule", () => {
    const covered = new Set(cases.map((c) => c.id));
    const missing = SECRET_RULES.map((r) => r.id).filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
    const unknown = [...covered].filter((id) => !SECRET_RULES.some((r) => r.id === id));
    expect(unknown).toEqual([]);
  });

  it("lets every true positive through a rule's quick test, which is neither global nor sticky", () => {
    const withQuick = SECRET_RULES.filter((r) => r.quick);
    expect(withQuick.map((r) => r.id)).toEqual(
      expect.arrayContaining(["azure-identifiable-key", "mailchimp-api-key"]),
    );
    for (const rule of withQuick) {
      expect(rule.quick!.flags).not.toMatch(/[gy]/);
      const own = cases.filter((c) => c.id === rule.id);
      expect(own.length).toBeGreaterThan(0);
      for (const c of own) expect(rule.quick!.test(c.text), `${rule.id}: ${c.text}`).toBe(true);
    }
  });

  it("marks the broad rules generic and keeps them out of lockfiles", () => {
    for (const rule of SECRET_RULES.filter((r) => r.id.startsWith("generic-"))) {
      expect(rule.generic).toBe(true);
      expect(rule.notPaths).toContain("**/package-lock.json");
    }
  });
});

describe("true positives", () => {
  it.each(cases.map((c, i) => [`${c.id} #${i}`, c] as const))("%s", (_name, c) => {
    const findings = scan(SECRET_RULES, c.text, c.path);
    const hit = findings.find((f) => f.ruleId === c.id);
    expect(hit, `no ${c.id} finding in:\n${c.text}\nfindings: ${JSON.stringify(findings)}`).toBeDefined();
    expect({ line: hit!.line, column: hit!.column }).toEqual({ line: c.line, column: c.column });
    // Exactly one finding per secret: a broad rule must yield to the specific one.
    expect(findings.map((f) => f.ruleId).sort()).toEqual([c.id, ...(c.also ?? [])].sort());
    expect(hit!.redacted).toMatch(/…\(\d+ chars\)$/);
  });

  it("finds each secret with its own rule alone (keywords match the text)", () => {
    for (const c of cases) {
      const rule = SECRET_RULES.find((r) => r.id === c.id)!;
      expect(
        scan([rule], c.text, c.path).map((f) => f.ruleId),
        c.id,
      ).toContain(c.id);
    }
  });
});

describe("generic-secret-assignment", () => {
  it("reports random values of 16 characters or more", () => {
    const r = new Random(16);
    const rate = (length: number, alphabet: string) => {
      let hits = 0;
      for (let i = 0; i < 200; i++) {
        const findings = scan(SECRET_RULES, `const apiKey = "${r.str(length, alphabet)}";\n`);
        if (findings.some((f) => f.ruleId === "generic-secret-assignment")) hits++;
      }
      return hits / 200;
    };
    expect(rate(16, ALNUM)).toBeGreaterThanOrEqual(0.95);
    expect(rate(16, B64)).toBeGreaterThanOrEqual(0.95);
    expect(rate(24, ALNUM)).toBeGreaterThanOrEqual(0.99);
    expect(rate(32, HEX)).toBeGreaterThanOrEqual(0.99);
  });
});

describe("checksums", () => {
  const r = new Random(7);

  function breakLast(token: string): string {
    const last = token.at(-1)!;
    return token.slice(0, -1) + (last === "A" ? "B" : "A");
  }

  it("ignores a GitHub token whose last character is wrong", () => {
    const good = checksummed(r, P.ghp);
    expect(scan(SECRET_RULES, `const token = "${good}";`)).toHaveLength(1);
    expect(scan(SECRET_RULES, `const token = "${breakLast(good)}";`)).toEqual([]);
    expect(scan(SECRET_RULES, `GITHUB_TOKEN=${breakLast(checksummed(r, P.ghs))}`, ".env")).toEqual([]);
  });

  it("ignores an npm token whose last character is wrong", () => {
    const good = checksummed(r, P.npm);
    const npmrc = (t: string) => `//registry.npmjs.org/:_authToken=${t}\n`;
    expect(scan(SECRET_RULES, npmrc(good), ".npmrc").map((f) => f.ruleId)).toEqual(["npm-access-token"]);
    expect(scan(SECRET_RULES, npmrc(breakLast(good)), ".npmrc")).toEqual([]);
    expect(scan(SECRET_RULES, `const npmToken = "${breakLast(good)}";`)).toEqual([]);
  });
});

describe(".npmrc", () => {
  it("ignores a token taken from the environment", () => {
    expect(scan(SECRET_RULES, "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", ".npmrc")).toEqual([]);
    expect(
      scan(SECRET_RULES, "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\nalways-auth=true\n", ".npmrc"),
    ).toEqual([]);
  });

  it("reports one finding for a real-looking token", () => {
    const r = new Random(11);
    const legacy = r.uuid(); // npm tokens before 2021 were UUIDs
    const findings = scan(SECRET_RULES, `//registry.npmjs.org/:_authToken=${legacy}\n`, ".npmrc");
    expect(findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([["npmrc-auth-token", 1, 34]]);
  });
});

describe("this repository's own rule and test files", () => {
  it("hold nothing that looks like a secret", () => {
    const root = process.cwd();
    const dirs = [join(root, "src/guard/rules/secrets"), join(root, "test/guard/rules")];
    for (const dir of dirs) {
      for (const name of readdirSync(dir)) {
        const path = relative(root, join(dir, name));
        expect(scan(SECRET_RULES, readFileSync(join(dir, name), "utf8"), path), path).toEqual([]);
      }
    }
  });
});
