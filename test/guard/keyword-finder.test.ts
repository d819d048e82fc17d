import { describe, expect, it } from "vitest";
import { KeywordFinder } from "../../src/guard/keyword-finder.js";

const found = (finder: KeywordFinder, text: string): string[] =>
  [...new Set(finder.find(text).map((i) => finder.keywords[i]!))].sort();

describe("KeywordFinder", () => {
  it("finds every keyword that occurs, in any ASCII case, overlapping or inside another", () => {
    const finder = new KeywordFinder(["secret", "secret_", "cret", "token", "ghp_", "hp"]);
    expect(found(finder, "MY_SECRET_TOKEN = x")).toEqual(["cret", "secret", "secret_", "token"]);
    expect(found(finder, "sesecret")).toEqual(["cret", "secret"]);
    expect(found(finder, "xGhP_y")).toEqual(["ghp_", "hp"]);
    expect(found(finder, "nothing here")).toEqual([]);
  });

  it("matches no keyword across or with a character outside ASCII", () => {
    const finder = new KeywordFinder(["token", "sk"]);
    expect(found(finder, "to\u00e9ken \u017fk \u212a")).toEqual([]);
    expect(found(finder, "\u00e9token\u00e9")).toEqual(["token"]);
  });

  it("agrees with a case-insensitive search for each keyword", () => {
    const keywords = ["ab", "abc", "bca", "ca", "aab", "c_a", "xyz"];
    const finder = new KeywordFinder(keywords);
    let seed = 7;
    const letter = (): string => "abcABC_xyz"[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % 10]!;
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: 12 }, letter).join("");
      const expected = keywords.filter((k) => text.toLowerCase().includes(k)).sort();
      expect(found(finder, text), text).toEqual(expected);
    }
  });

  it("tells where every occurrence of an anchor keyword starts, and of the others only that they occur", () => {
    const keywords = ["token", "auth_token", "key"];
    const finder = new KeywordFinder(keywords, new Set(["token", "auth_token"]));
    const text = "AUTH_TOKEN=1 token=2 key key Token";
    expect(found(finder, text)).toEqual(["auth_token", "key", "token"]);
    const starts = (k: string): number[] => {
      const at: number[] = [];
      for (let h = 0; h < finder.anchorHits.length; h += 2)
        if (keywords[finder.anchorHits[h]!] === k) at.push(finder.anchorHits[h + 1]!);
      return at;
    };
    expect(starts("auth_token")).toEqual([0]);
    expect(starts("token")).toEqual([5, 13, 29]);
    expect(starts("key")).toEqual([]);
    // Each search starts afresh.
    finder.find("nothing");
    expect(finder.anchorHits).toEqual([]);
  });

  it("finds every occurrence once in a longer text, walked as two halves, wherever the halves meet", () => {
    const keywords = ["ab", "abcab", "bca", "c_a", "token", "x"];
    const anchors = new Set(["abcab", "token", "x"]);
    const finder = new KeywordFinder(keywords, anchors);
    let seed = 11;
    const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    // Non-ASCII whose low byte is in no keyword: what a candidate it could add is tested below.
    const pieces = ["a", "b", "c", "_", "x", "TOKEN", "token", "AbCaB", "\u00e9", "\u4e2d", " "];
    for (let n = 0; n < 300; n++) {
      let text = "";
      const length = 256 + random(300);
      while (text.length < length) text += pieces[random(pieces.length)];
      const lower = text.toLowerCase();
      const expected: string[] = [];
      const starts: string[] = [];
      keywords.forEach((k, index) => {
        for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + 1)) {
          if (!expected.includes(k)) expected.push(k);
          if (anchors.has(k)) starts.push(`${index}@${at}`);
        }
      });
      expect(found(finder, text), text).toEqual(expected.sort());
      const hits: string[] = [];
      for (let h = 0; h < finder.anchorHits.length; h += 2)
        hits.push(`${finder.anchorHits[h]}@${finder.anchorHits[h + 1]}`);
      expect(hits.sort(), text).toEqual(starts.sort());
    }
  });

  it("never misses a keyword beside a character beyond Latin-1, though it may read one as ASCII", () => {
    const finder = new KeywordFinder(["sk", "token"]);
    // U+0173 is read as its low byte, "s": a candidate more, which the rule's own pattern then turns down.
    expect(found(finder, "\u0173k")).toEqual(["sk"]);
    expect(found(finder, "\u4e2dtoken\u4e2d \ud83d\ude00sk")).toEqual(["sk", "token"]);
    expect(found(finder, `${"\u4e2d".repeat(300)}token${"\u4e2d".repeat(300)}`)).toEqual(["token"]);
  });

  it("refuses a keyword it could not match as written", () => {
    expect(() => new KeywordFinder(["Token"])).toThrow(/lower-case ASCII/);
    expect(() => new KeywordFinder(["cl\u00e9"])).toThrow(/lower-case ASCII/);
  });
});
