import { describe, expect, it } from "vitest";
import { textBlock } from "../../src/guard/block.js";
import { GuardConfig } from "../../src/guard/config.js";
import { Guard } from "../../src/guard/engine.js";
import { Finding } from "../../src/guard/finding.js";
import { withKnownSecrets } from "../../src/guard/known-secrets.js";
import { ALL_RULES, RULE_CATALOG } from "../../src/guard/rules/index.js";
import { SECRET_RULES } from "../../src/guard/rules/secrets/index.js";
import { buildCases } from "./rules/cases.js";
import { ALNUM, HEX, P, Random, armor, armorBody, checksummed, scan } from "./rules/fixtures.js";

const r = new Random(8081);
/** `n` distinct characters of `alphabet` in a random order: as random as a value of that length can be. */
const distinct = (n: number, alphabet: string): string => {
  const pool = [...alphabet];
  return Array.from({ length: n }, () => pool.splice(Math.floor(r.next() * pool.length), 1)[0]).join("");
};

describe("severity and confidence", () => {
  const ratingOf = (text: string, path = "src/app.ts") =>
    scan(ALL_RULES, text, path).map((f) => [f.ruleId, f.severity, f.confidence]);

  it("every finding of every rule's true-positive cases carries both", () => {
    for (const c of buildCases()) {
      for (const f of scan(SECRET_RULES, c.text, c.path)) expect(Finding.parse(f)).toEqual(f);
    }
  });

  it("a checksum-valid token and key material are high; a provider's format is medium", () => {
    expect(ratingOf(`const t = "${checksummed(r, P.ghp)}";\n`)).toEqual([
      ["github-pat-classic", "error", "high"],
    ]);
    expect(ratingOf(`//registry.npmjs.org/:_authToken=${checksummed(r, P.npm)}\n`, ".npmrc")).toEqual([
      ["npm-access-token", "error", "high"],
    ]);
    const pem = `${armor("RSA", "BEGIN")}\n${armorBody(r, 1600)}\n${armor("RSA", "END")}\n`;
    expect(ratingOf(pem, "deploy/id_rsa.pem")).toEqual([["pem-private-key", "error", "high"]]);
    expect(ratingOf(`MAILGUN_KEY=key-${r.str(32, HEX)}\n`, "deploy/env.sh")).toEqual([
      ["mailgun-api-key", "error", "medium"],
    ]);
    expect(ratingOf(`HF_TOKEN=hf_${r.str(34)}\n`, "deploy/env.sh")).toEqual([
      ["huggingface-token", "error", "medium"],
    ]);
  });

  it("a generic assignment is low, medium only when the value is long and machine-made", () => {
    expect(ratingOf(`db_password = "${distinct(16, ALNUM)}"\n`, "settings.py")).toEqual([
      ["generic-secret-assignment", "error", "low"],
    ]);
    expect(ratingOf(`client_secret = "${r.str(40)}"\n`, "settings.py")).toEqual([
      ["generic-secret-assignment", "error", "medium"],
    ]);
    expect(ratingOf(`signing_secret = "${r.str(40, HEX)}"\n`, "settings.py")).toEqual([
      ["generic-secret-assignment", "error", "medium"],
    ]);
    expect(ratingOf(`signing_secret = "${distinct(16, HEX)}"\n`, "settings.py")).toEqual([
      ["generic-secret-assignment", "error", "low"],
    ]);
  });

  it("exact matches are high: a forbidden term, the run's own secret, a key store; attribution is a note", () => {
    const value = r.str(24, ALNUM);
    const config = withKnownSecrets(GuardConfig.parse({ forbiddenTerms: ["falcon"], aiAttribution: true }), [
      value,
    ]);
    const guard = new Guard(ALL_RULES, config);
    const text = `Project Falcon ships ${value}\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n`;
    expect(
      guard.scanBlock(textBlock(text, "message")).map((f) => [f.ruleId, f.severity, f.confidence]),
    ).toEqual([
      ["forbidden-term", "error", "high"],
      ["known-secret", "error", "high"],
      ["ai-co-author-trailer", "note", "high"],
    ]);
    expect(
      guard.scanPath("certs/release.p12", "file").map((f) => [f.ruleId, f.severity, f.confidence]),
    ).toEqual([["key-store-file", "error", "high"]]);
  });

  it("the rule catalogue gives every rule a severity and its least confidence", () => {
    for (const info of RULE_CATALOG) {
      expect(["error", "warning", "note"], info.id).toContain(info.severity);
      expect(["high", "medium", "low"], info.id).toContain(info.confidence);
    }
    const byId = new Map(RULE_CATALOG.map((i) => [i.id, i]));
    expect(byId.get("generic-secret-assignment")).toMatchObject({ severity: "error", confidence: "low" });
    expect(byId.get("env-file")).toMatchObject({ severity: "warning", confidence: "high" });
    expect(byId.get("github-pat-classic")).toMatchObject({ severity: "error", confidence: "high" });
  });
});
