import { describe, expect, it } from "vitest";
import { textBlock } from "../../src/guard/block.js";
import { GuardConfig } from "../../src/guard/config.js";
import { Guard } from "../../src/guard/engine.js";
import { hashTerm, normaliseTerm, TermMatcher } from "../../src/guard/terms.js";

const found = (m: TermMatcher, text: string): string[] => m.find(text).map((h) => h.value);

describe("forbidden terms", () => {
  const plain = new TermMatcher(["Falcon", "project nimbus", "build.corp.internal"], []);

  it("matches whole words case-insensitively", () => {
    expect(found(plain, "Deploy FALCON today; falcon is ready")).toEqual(["FALCON", "falcon"]);
    expect(found(plain, "falconry and peregrinefalcon are fine")).toEqual([]);
  });

  it("matches across camelCase, snake_case and kebab-case joins", () => {
    expect(found(plain, "const falconClient = new FalconAPI(); FALCON_URL; x-falcon-id")).toEqual([
      "falcon",
      "Falcon",
      "FALCON",
      "falcon",
    ]);
    expect(found(plain, "projectNimbus project_nimbus PROJECT-NIMBUS Project Nimbus")).toEqual([
      "projectNimbus",
      "project_nimbus",
      "PROJECT-NIMBUS",
      "Project Nimbus",
    ]);
    expect(found(plain, "project\n\nnimbus")).toEqual([]);
  });

  it("matches internal hostnames", () => {
    expect(found(plain, "curl https://build.corp.internal/api")).toEqual(["build.corp.internal"]);
  });

  it("normalises terms for hashing", () => {
    expect(normaliseTerm("Project-Nimbus")).toBe("projectnimbus");
    expect(hashTerm("Project Nimbus", "s1")).toBe(hashTerm("project_nimbus", "s1"));
    expect(hashTerm("falcon", "s1")).not.toBe(hashTerm("falcon", "s2"));
    expect(hashTerm("falcon", "s1")).toMatch(/^sha256:s1:[0-9a-f]{64}$/);
    expect(() => hashTerm("x")).toThrow(/two letters/);
    expect(() => hashTerm("falcon", "bad salt")).toThrow(/salt/);
  });

  it("refuses to hash a term longer than a hashed term can match, saying why", () => {
    expect(hashTerm("project falcon nimbus", "s1")).toMatch(/^sha256:s1:/);
    expect(() => hashTerm("project falcon nimbus build", "s1")).toThrow(
      /has 4 words, and a hashed term can match at most 3, so its hash would never match/,
    );
    // Words as the scanner splits them: camelCase counts too.
    expect(() => hashTerm("projectFalconNimbusBuild", "s1")).toThrow(/has 4 words/);
  });

  it("finds hashed terms without knowing them, up to three words", () => {
    const m = new TermMatcher([], [hashTerm("Falcon", "salt1"), hashTerm("project nimbus", "salt2")]);
    expect(found(m, "the FalconClient talks to projectNimbus and to peregrine")).toEqual([
      "Falcon",
      "projectNimbus",
    ]);
  });

  it("reports through the guard with redaction", () => {
    const guard = new Guard([], GuardConfig.parse({ forbiddenTerms: ["falcon"] }));
    const [f] = guard.scanBlock(textBlock("ship\nthe falcon build", "message", "", "abc"));
    expect(f).toMatchObject({
      ruleId: "forbidden-term",
      line: 2,
      column: 5,
      where: "message",
      commit: "abc",
    });
    expect(f!.redacted).toBe("…(6 chars)");
  });

  it("can be switched off like any rule", () => {
    const guard = new Guard(
      [],
      GuardConfig.parse({ forbiddenTerms: ["falcon"], allow: { rules: ["forbidden-term"] } }),
    );
    expect(guard.scanBlock(textBlock("falcon", "text"))).toEqual([]);
  });
});
