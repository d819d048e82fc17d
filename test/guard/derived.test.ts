import { describe, expect, it } from "vitest";
import { textBlock } from "../../src/guard/block.js";
import { GuardConfig } from "../../src/guard/config.js";
import { derivedTexts } from "../../src/guard/derived-text.js";
import { Guard } from "../../src/guard/engine.js";
import { ALL_RULES } from "../../src/guard/rules/index.js";
import { githubToken, prng } from "../helpers/tokens.js";

const rand = prng(1601);
const guard = new Guard(ALL_RULES, GuardConfig.parse({}));
const scan = (text: string, path = "src/a.ts") => guard.scanBlock(textBlock(text, "file", path));
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

  it("decodes each run as Buffer.from does: both alphabets, any length, padded or not, hex of either case", () => {
    const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (let i = 0; i < 300; i++) {
      const symbols = ["+/", "-_", "+_", "-/"][i % 4]!;
      const run = `${rand(24 + (i % 90), base64 + symbols)}${"=".repeat(i % 3)}`;
      const hex = rand(32 + 2 * (i % 20), i % 2 ? "0123456789abcdef" : "0123456789ABCDEF");
      const mixed = `${rand(32, "0123456789abcdef")}${rand(2, "ABCDEF")}`;
      const texts = derivedTexts(`a ${hex} b ${run} c ${mixed} d`);
      expect(texts.map((t) => [t.how, t.text])).toEqual([
        ["hex-encoded", Buffer.from(hex, "hex").toString("latin1")],
        ["base64-encoded", [run, mixed].map((r) => Buffer.from(r, "base64").toString("latin1")).join("\n")],
      ]);
    }
  });

  it("stays linear on adversarial runs (one long base64 line, thousands of quotes)", () => {
    const long = "QUtJQ".repeat(200_000);
    const quotes = `"a" + `.repeat(100_000);
    const apostrophes = `'${"x".repeat(500)}`.repeat(2_000);
    for (const text of [long, quotes, apostrophes]) expect(scan(text)).toEqual([]);
  });
});
