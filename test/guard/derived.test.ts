import { describe, expect, it } from "vitest";
import { textBlock } from "../../src/guard/block.js";
import { GuardConfig } from "../../src/guard/config.js";
import { ruleConfidence } from "../../src/guard/confidence.js";
import { derivedTexts, MIN_TOKEN_BYTES } from "../../src/guard/derived-text.js";
import { Guard } from "../../src/guard/engine.js";
import { ALL_RULES } from "../../src/guard/rules/index.js";
import { githubToken, prng } from "../helpers/tokens.js";
import { buildCases } from "./rules/cases.js";

const rand = prng(1601);
const guard = new Guard(ALL_RULES, GuardConfig.parse({}));
const scan = (text: string, path = "src/a.ts") => guard.scanBlock(textBlock(text, "file", path));
const randomBytes = (n: number): Buffer => Buffer.from(rand(2 * n, "0123456789abcdef"), "hex");
const awsKey = (): string => ["AK", "IA", rand(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")].join("");

describe("secrets split across joined string literals", () => {
  const cases: [string, (a: string, b: string) => string][] = [
    ["JavaScript +", (a, b) => `const key = "${a}" + "${b}";\n`],
    ["+ across lines", (a, b) => `const key =\n  '${a}' +\n  '${b}';\n`],
    ["Python implicit concatenation in parentheses", (a, b) => `KEY = (\n    "${a}"\n    "${b}"\n)\n`],
    ["C juxtaposition on one line", (a, b) => `static const char *k = "${a}" "${b}";\n`],
    ["PHP .", (a, b) => `$key = '${a}' . '${b}';\n`],
    ["Lua ..", (a, b) => `local key = "${a}" .. "${b}"\n`],
    ["template parts", (a, b) => "const key = `" + a + "` +\n  `" + b + "`;\n"],
    ["shell line continuation", (a, b) => `KEY="${a}"\\\n"${b}"\n`],
    ["shell line continuation after a space", (a, b) => `KEY="${a}" \\\n  "${b}"\n`],
    ["C and Python literals side by side", (a, b) => `key = "${a}""${b}"\n`],
  ];
  for (const [name, write] of cases) {
    it(`finds an AWS key id split as ${name}`, () => {
      const key = awsKey();
      const text = write(key.slice(0, 4), key.slice(4));
      const findings = scan(text);
      expect(findings.map((f) => f.ruleId)).toEqual(["aws-access-key-id"]);
      expect(findings[0]!.message).toMatch(/split across joined string literals/);
      expect(findings[0]!.redacted).toBe(`${key.slice(0, 4)}…(20 chars)`);
      expect(JSON.stringify(findings)).not.toContain(key.slice(4));
    });
  }

  it("finds a GitHub token cut in three, and points at its first piece", () => {
    const token = githubToken(rand);
    const text = `x = 1\nconst t = "${token.slice(0, 4)}" +\n  "${token.slice(4, 20)}" +\n  "${token.slice(20)}";\n`;
    const [f, ...rest] = scan(text);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: "github-pat-classic", line: 2, column: 12 });
  });

  it("redacts every piece from a log", () => {
    const key = awsKey();
    const out = guard.redact(`key = "${key.slice(0, 8)}" + "${key.slice(8)}"`);
    expect(out).not.toContain(key.slice(0, 8));
    expect(out).not.toContain(key.slice(8));
    expect(out).toContain("[redacted aws-access-key-id]");
  });

  it("reports a token whole in one literal once, not again as joined", () => {
    const key = awsKey();
    const findings = scan(`const k = "${key}" + "/suffix";\n`);
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([["aws-access-key-id", "AWS access key ID"]]);
  });

  it("leaves ordinary joined strings alone", () => {
    const text = [
      `const msg = "Hello, " + name + "!" + "\\n";`,
      `q = ("SELECT * FROM t "`,
      `     "WHERE id = ?")`,
      `$s = 'a' . 'b' . "c";`,
      `url = "https://example.com/" + "api/v1/" + "users"`,
    ].join("\n");
    expect(scan(text)).toEqual([]);
  });
});

describe("secrets encoded in base64 or hex", () => {
  it("finds a GitHub token base64-encoded in a Kubernetes secret", () => {
    const token = githubToken(rand);
    const text = `apiVersion: v1\nkind: Secret\ndata:\n  token: ${Buffer.from(token).toString("base64")}\n`;
    const [f, ...rest] = scan(text, "k8s/secret.yaml");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: "github-pat-classic", line: 4, column: 10 });
    expect(f!.message).toMatch(/base64-encoded/);
  });

  it("finds a token inside HTTP basic credentials, at any offset in the decoded text", () => {
    const token = githubToken(rand);
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    const findings = scan(`curl -H "Authorization: Basic ${basic}" https://example.com\n`);
    expect(findings.map((f) => f.ruleId)).toContain("github-pat-classic");
  });

  it("finds a base64url-encoded token and a hex-encoded AWS key id", () => {
    const token = githubToken(rand);
    const key = awsKey();
    const text = `a = "${Buffer.from(`{"t":"${token}"}`).toString("base64url")}"\nb = "${Buffer.from(key).toString("hex")}"\n`;
    const findings = scan(text);
    expect(findings.map((f) => [f.ruleId, f.line, f.message.split(", ").at(-1)])).toEqual([
      ["github-pat-classic", 1, "base64-encoded"],
      ["aws-access-key-id", 2, "hex-encoded"],
    ]);
  });

  it("redacts the whole encoded run from a log", () => {
    const token = githubToken(rand);
    const encoded = Buffer.from(token).toString("base64");
    const out = guard.redact(`token: ${encoded} end`);
    expect(out).toBe("token: [redacted github-pat-classic] end");
  });

  it("reports nothing for integrity hashes, random base64 and hex digests", () => {
    const text = [
      `"integrity": "sha512-${Buffer.from(rand(64, "0123456789abcdef"), "hex").toString("base64")}"`,
      `blob = "${Buffer.from(rand(96, "0123456789abcdef"), "hex").toString("base64")}"`,
      `sha = "${rand(64, "0123456789abcdef")}"`,
      `name = "aVeryLongIdentifierNameThatLooksLikeBase64"`,
    ].join("\n");
    expect(scan(text, "src/data.ts")).toEqual([]);
  });

  it("finds encoded tokens at every offset, right after padding, and many runs in one block", () => {
    const tokens = Array.from({ length: 30 }, () => githubToken(rand));
    const encoded = tokens.map((t) => Buffer.from(`${t}.`).toString("base64"));
    // Runs start at every offset against the 24-character grid the finder probes, words of every length
    // sit between them, and pairs are glued by `=` padding (the second starts right after it).
    const lines: string[] = [];
    for (let i = 0; i < encoded.length; i += 2)
      lines.push(`${"x".repeat(i % 24)}:${encoded[i]}${"w".repeat(i)} ${encoded[i + 1]}`);
    lines.push(encoded.join(""));
    expect(encoded.every((e) => e.endsWith("="))).toBe(true);
    const found = scan(lines.join("\n")).filter((f) => f.message.endsWith("base64-encoded"));
    expect(found).toHaveLength(2 * tokens.length);
  });

  it("decodes text at every alignment, glued to anything, in both alphabets, padded or not, hex of either case", () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
    for (let i = 0; i < 300; i++) {
      const payload = rand(MIN_TOKEN_BYTES + (i % 70), printable);
      // Random bytes around the text, and a word glued before the encoding: its alignment is anyone's.
      const bytes = Buffer.concat([randomBytes(i % 7), Buffer.from(payload), randomBytes(i % 5)]);
      const alphabet = i % 2 ? "base64" : "base64url";
      const encoded = bytes.toString(alphabet).replace(/=+$/, i % 3 ? "" : "$&");
      const hex = bytes.toString("hex");
      const glued = rand(i % 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
      const texts = derivedTexts(
        `a ${glued}${encoded} b ${"f".repeat(i % 3)}${i % 2 ? hex : hex.toUpperCase()} c`,
      );
      expect(texts.find((t) => t.how === "base64-encoded")?.text).toContain(payload);
      expect(texts.find((t) => t.how === "hex-encoded")?.text).toContain(payload);
    }
  });

  it("decodes next to nothing of random bytes: an integrity hash or a digest is looked at, not decoded", () => {
    let encoded = 0;
    let decoded = 0;
    for (let i = 0; i < 1000; i++) {
      const hash = randomBytes(64);
      const text = `"integrity": "sha512-${hash.toString("base64")}",\n"sha": "${hash.toString("hex")}"\n`;
      encoded += text.length;
      for (const t of derivedTexts(text)) {
        decoded += t.text.length;
        // What is kept is ASCII, the only bytes a token has.
        expect(t.text).toMatch(/^[\p{ASCII}]*$/u);
      }
    }
    expect(decoded / encoded).toBeLessThan(0.01);
  });

  it("keeps every high-confidence rule's true positives: ASCII, at least MIN_TOKEN_BYTES long", () => {
    const certain = ALL_RULES.filter(
      (r) => r.category === "secret" && !r.generic && ruleConfidence(r) === "high",
    );
    expect(certain.length).toBeGreaterThan(20);
    const cases = buildCases();
    for (const rule of certain) {
      const own = cases.filter((c) => c.id === rule.id);
      expect(own.length, rule.id).toBeGreaterThan(0);
      for (const c of own) {
        const matches = [...c.text.matchAll(new RegExp(rule.pattern))].map((m) => m[0]);
        expect(matches.length, rule.id).toBeGreaterThan(0);
        for (const m of matches) {
          expect(m.length, `${rule.id}: ${m}`).toBeGreaterThanOrEqual(MIN_TOKEN_BYTES);
          expect(m, rule.id).toMatch(/^[\p{ASCII}]*$/u);
        }
        // And each is found encoded, glued to a word at every alignment.
        for (let glue = 0; glue < 4; glue++) {
          const word = "Zm9v".slice(0, glue);
          for (const [how, encoded] of [
            ["base64-encoded", word + Buffer.from(c.text).toString("base64")],
            ["hex-encoded", "ab".slice(0, glue % 2) + Buffer.from(c.text).toString("hex")],
          ] as const) {
            const found = scan(`data: ${encoded}\n`, c.path).filter((f) => f.ruleId === rule.id);
            expect(
              found.map((f) => f.message.endsWith(how)),
              `${rule.id} ${how}, glued to ${glue}`,
            ).toContain(true);
          }
        }
      }
    }
  });

  it("stays linear on adversarial runs (one long base64 line, thousands of quotes)", () => {
    const long = "QUtJQ".repeat(200_000);
    const quotes = `"a" + `.repeat(100_000);
    const apostrophes = `'${"x".repeat(500)}`.repeat(2_000);
    for (const text of [long, quotes, apostrophes]) expect(scan(text)).toEqual([]);
  });
});
