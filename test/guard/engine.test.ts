import { describe, expect, it } from "vitest";
import { textBlock, type Block } from "../../src/guard/block.js";
import { GuardConfig } from "../../src/guard/config.js";
import { Guard } from "../../src/guard/engine.js";
import { fingerprint } from "../../src/guard/fingerprint.js";
import { defineRule } from "../../src/guard/rules/rule.js";
import { prng } from "../helpers/tokens.js";

const rand = prng(7);
// A made-up token format, so these tests exercise the engine and not any real rule.
const rule = defineRule({
  id: "demo-token",
  description: "Demo token",
  category: "secret",
  keywords: ["dmo_"],
  pattern: /dmo_(?<secret>[A-Za-z0-9]{20})(?![A-Za-z0-9])/g,
  minEntropy: 3,
});
const generic = defineRule({
  id: "demo-generic",
  description: "Demo generic",
  category: "secret",
  keywords: ["key"],
  pattern: /key = "(?<secret>[^"]{8,64})"/g,
  generic: true,
});
const config = (over: object = {}): GuardConfig => GuardConfig.parse(over);
const scan = (
  text: string,
  opts: { config?: GuardConfig; baseline?: Set<string>; path?: string; inlineAllow?: boolean } = {},
) =>
  new Guard([rule, generic], opts.config ?? config(), {
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
    inlineAllow: opts.inlineAllow ?? false,
  }).scanBlock(textBlock(text, "file", opts.path ?? "src/a.ts"));

describe("Guard", () => {
  const value = rand(20);

  it("reports line, column, redaction and a fingerprint, never the value itself", () => {
    const [f, ...rest] = scan(`one\ntwo\nconst t = "dmo_${value}";\n`);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: "demo-token", path: "src/a.ts", line: 3, column: 16, where: "file" });
    expect(f!.redacted).toBe(`${value.slice(0, 4)}…(20 chars)`);
    expect(JSON.stringify(f)).not.toContain(value);
    expect(f!.fingerprint).toBe(fingerprint("demo-token", "src/a.ts", value));
  });

  it("skips rules whose keywords do not occur, in any case", () => {
    expect(scan(`DMO_${value}`)).toEqual([]); // the keyword matched, but the pattern is case-sensitive
    const upper = defineRule({ ...rule, id: "demo-upper", pattern: /DMO_(?<secret>[A-Za-z0-9]{20})/g });
    expect(new Guard([upper], config()).scanBlock(textBlock(`DMO_${value}`, "text"))).toHaveLength(1);
  });

  it("runs every rule whose keyword occurs, also inside or across another keyword", () => {
    const on = (id: string, keyword: string, prefix: string) =>
      defineRule({
        id,
        description: id,
        category: "secret",
        keywords: [keyword],
        pattern: new RegExp(`${prefix}(?<secret>\\d{6})`, "g"),
      });
    // "secret_" contains "secret"; "t_key" starts inside "secret_".
    const rules = [on("short", "secret", "aa"), on("long", "secret_", "bb"), on("overlap", "t_key", "cc")];
    const found = new Guard(rules, config()).scanBlock(
      textBlock("SECRET_KEY = aa123456 bb234567 cc345678", "text"),
    );
    expect(found.map((f) => f.ruleId)).toEqual(["short", "long", "overlap"]);
  });

  it("drops placeholders and low-entropy values", () => {
    expect(scan(`dmo_xxxxxxxxxxxxxxxxxxxx`)).toEqual([]);
    expect(scan(`dmo_aaaaaaaaaabbbbbbbbbb`)).toEqual([]);
    expect(scan(`key = "\${API_KEY_FROM_ENV}"`)).toEqual([]);
  });

  it("honours patchwright:allow on the line, and only on that line, when asked to", () => {
    expect(scan(`t = "dmo_${value}" // patchwright:allow`, { inlineAllow: true })).toEqual([]);
    expect(scan(`// patchwright:allow\nt = "dmo_${value}"`, { inlineAllow: true })).toHaveLength(1);
  });

  it("ignores inline allow markers unless asked to honour them", () => {
    expect(scan(`t = "dmo_${value}" // patchwright:allow`)).toHaveLength(1);
    expect(scan(`t = "dmo_${value}" # gitleaks:allow`)).toHaveLength(1);
  });

  it("honours allowed paths, rules and values from the config", () => {
    const text = `t = "dmo_${value}"`;
    expect(scan(text, { config: config({ allow: { paths: ["src/**"] } }) })).toEqual([]);
    expect(scan(text, { config: config({ allow: { paths: ["test/**"] } }) })).toHaveLength(1);
    expect(scan(text, { config: config({ allow: { rules: ["demo-token"] } }) })).toEqual([]);
    expect(scan(text, { config: config({ allow: { values: [`^${value.slice(0, 6)}`] } }) })).toEqual([]);
  });

  it("accepts baselined findings even after the line moved", () => {
    const [first] = scan(`t = "dmo_${value}"`);
    const baseline = new Set([first!.fingerprint]);
    expect(scan(`\n\n\n   t = "dmo_${value}"`, { baseline })).toEqual([]);
    expect(scan(`t = "dmo_${rand(20)}"`, { baseline })).toHaveLength(1);
  });

  it("lets a specific rule win over a generic one on the same value", () => {
    const findings = scan(`key = "dmo_${value}"`);
    expect(findings.map((f) => f.ruleId)).toEqual(["demo-token"]);
    expect(scan(`key = "${rand(24)}"`).map((f) => f.ruleId)).toEqual(["demo-generic"]);
  });

  it("maps offsets through the real line numbers of a diff block", () => {
    const block: Block = {
      text: `added one\nt = "dmo_${value}"`,
      path: "src/a.ts",
      where: "file",
      commit: "abc123",
      firstLine: 10,
      firstColumn: 1,
      lineNumbers: [10, 42],
    };
    expect(new Guard([rule], config()).scanBlock(block)[0]).toMatchObject({
      line: 42,
      column: 10,
      commit: "abc123",
    });
  });

  it("places values in a block that continues a cut line at the right column", () => {
    const block: Block = {
      text: `xx dmo_${value}`,
      path: "a.min.js",
      where: "file",
      firstLine: 1,
      firstColumn: 1001,
    };
    expect(new Guard([rule], config()).scanBlock(block)[0]).toMatchObject({ line: 1, column: 1008 });
  });

  it("flags binary key stores and forbidden terms by file name", () => {
    const guard = new Guard([], config({ forbiddenTerms: ["falcon"] }));
    expect(guard.scanPath("certs/prod.p12", "package").map((f) => f.ruleId)).toEqual(["key-store-file"]);
    expect(guard.scanPath("docs/falcon-launch.md", "file")[0]).toMatchObject({
      ruleId: "forbidden-term",
      line: 1,
    });
    expect(guard.scanPath("docs/launch.md", "file")).toEqual([]);
  });
});

describe("GuardConfig defaults", () => {
  it("are fresh for every parse, so adding terms to one config cannot leak into another", () => {
    const a = GuardConfig.parse({});
    a.forbiddenTerms.push("leaked");
    a.allow.paths.push("leaked/**");
    const b = GuardConfig.parse({});
    expect(b.forbiddenTerms).toEqual([]);
    expect(b.allow.paths).toEqual([]);
  });
});

describe("Guard.redact", () => {
  it("replaces every reportable value with a marker naming its rule, and leaves the rest", () => {
    const guard = new Guard([rule], GuardConfig.parse({ forbiddenTerms: ["falcon"] }));
    const value = prng(99)(20);
    const out = guard.redact(`token dmo_${value} for the falcon build\nsecond line`);
    expect(out).toBe("token dmo_[redacted demo-token] for the [redacted forbidden-term] build\nsecond line");
    expect(out).not.toContain(value);
  });
});
