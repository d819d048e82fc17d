import { describe, expect, it } from "vitest";
import { isPlaceholder, isTypedFiller } from "../../src/guard/placeholder.js";
import { ALNUM, B64URL, DIGITS, HEX, Random } from "./rules/fixtures.js";

describe("isPlaceholder", () => {
  it.each([
    ["a template", "${DB_PASSWORD}"],
    ["a template inside a value", "postgres-${ENV}-password"],
    ["a make or pipeline variable", "$(System.AccessToken)"],
    ["a Ruby or Octopus interpolation", "#{ApiKey}"],
    ["an autoconf or Maven filter", "@DB_PASSWORD@"],
    ["a replace-token", "__API_TOKEN__"],
    ["an angle-bracket stand-in", "<token>"],
    ["an angle-bracket stand-in inside a value", "sk-<your key>"],
    ["a mask", "xxxxxxxxxxxxxxxxxxxx"],
    ["REPLACE_ME", "REPLACE_ME"],
    ["replace-me", "replace-me-in-production"],
    ["replace with", "replace_with_a_real_token"],
    ["your key", "YOUR_ACCESS_TOKEN"],
    ["put your key here", "PUT_YOUR_KEY_HERE"],
    ["a keyboard run", "qwertyuiop1234"],
    ["not a real key", "not-a-real-secret-9f8e7d"],
    ["a fake token", "fake_token_for_tests"],
  ])("%s", (_name, value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it.each([
    ["repeated characters after a prefix", "sk_live_" + "0".repeat(24)],
    ["repeated characters glued to a prefix", "AKIA" + "A".repeat(16)],
    ["counting digits", "AKIA" + "1234567890123456"],
    ["the alphabet, counting", "xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx"],
    ["a short unit repeated", "sk-ant-api03-" + "abcd1234".repeat(12)],
    ["counting runs back to back", "sk_live_" + "abcd1234efgh5678ijkl9012"],
    ["hex counting", "0123456789abcdef0123456789abcdef"],
    ["a word repeated", "token_" + "secret".repeat(4)],
  ])("typed filler: %s", (_name, value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it("keeps random values of every alphabet and length, even with a typed run inside", () => {
    const r = new Random(1701);
    const alphabets = [DIGITS, HEX, ALNUM, B64URL];
    let checked = 0;
    for (const alphabet of alphabets) {
      for (let length = 8; length <= 64; length += 4) {
        for (let i = 0; i < 250; i++) {
          const value = r.str(length, alphabet);
          expect(isTypedFiller(value), value).toBe(false);
          // Eight random digits have three distinct ones or fewer often enough, which the older test
          // takes for a placeholder: it is about whole values, and no token is eight digits.
          expect(length < 16 || !isPlaceholder(value), value).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBe(4 * 15 * 250);
    // A run of `A`s inside encoded binary (zero bytes) does not make a long token a placeholder.
    const session = `${r.str(120, ALNUM)}/${"A".repeat(12)}+${r.str(200, ALNUM)}`;
    expect(isPlaceholder(session)).toBe(false);
    // Nor does a counting id next to a random secret.
    expect(isPlaceholder(`1234567890:AA${r.str(33, B64URL)}`)).toBe(false);
  });
});

describe("isTypedFiller", () => {
  it("needs the typed part to be long and to make most of the segment", () => {
    expect(isTypedFiller("abcdefgh")).toBe(true);
    expect(isTypedFiller("abcd")).toBe(false);
    expect(isTypedFiller("Zk81abcdefghQp")).toBe(true);
    expect(isTypedFiller("Zk81Qx7mabcdefghQp2LrT9w")).toBe(false);
    // Short counting runs back to back count only with letters: over digits alone chance makes them.
    expect(isTypedFiller("abcd1234efgh5678")).toBe(true);
    expect(isTypedFiller("123478905678")).toBe(false);
  });
});
