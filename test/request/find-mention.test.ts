import { describe, expect, it } from "vitest";
import { findMention, maskCode } from "../../src/request/find-mention.js";

const P = "@patchwright";
const mentioned = (body: string, phrase = P) => findMention(body, phrase).mentioned;
const instruction = (body: string, phrase = P) => findMention(body, phrase).instruction;

describe("findMention: what counts", () => {
  it.each([
    ["at the start", "@patchwright fix the cache"],
    ["at the end", "please fix this @patchwright"],
    ["alone", "@patchwright"],
    ["mixed case", "@Patchwright fix it"],
    ["upper case", "@PATCHWRIGHT fix it"],
    ["followed by a comma", "@patchwright, fix it"],
    ["followed by a colon", "@patchwright: fix it"],
    ["followed by a full stop", "Thanks @patchwright."],
    ["followed by a question mark", "can you help @patchwright?"],
    ["followed by an exclamation mark", "@patchwright! fix it"],
    ["in parentheses", "(@patchwright) fix it"],
    ["in brackets", "[@patchwright] fix it"],
    ["followed by an apostrophe", "@patchwright's turn: fix it"],
    ["followed by a hyphen and a space", "@patchwright - fix it"],
    ["after a tab", "hey\t@patchwright fix"],
    ["on a later line", "Some context.\n\n@patchwright fix it"],
    ["in a list item", "- @patchwright fix it"],
    ["in a heading", "## @patchwright fix it"],
    ["inside bold", "**@patchwright** fix it"],
    ["next to a code span", "`x`@patchwright fix"],
    ["after a closed fence", "```\ncode\n```\n@patchwright fix"],
    ["after an unmatched backtick", "a ` b @patchwright fix"],
    ["after a details block", "<details><summary>more</summary>\n\nlog\n\n</details>\n\n@patchwright fix"],
    ["in a reply below a quote", "> @patchwright fix\n\n@patchwright do it"],
    ["below a quote after a blank line", "> what they said\n\n@patchwright fix"],
    ["with a fence-like line inside a paragraph", "use ```js``` here @patchwright"],
  ])("counts: %s", (_name, body) => {
    expect(mentioned(body)).toBe(true);
  });

  it.each([
    ["no mention", "please fix the cache"],
    ["in an e-mail address", "mail ops@patchwright.dev"],
    ["in an e-mail address with a dotted local part", "mail first.last@patchwright.io"],
    ["a longer login with a hyphen", "@patchwright-bot fix it"],
    ["a longer login with an underscore", "@patchwright_x fix it"],
    ["a longer login", "@patchwrights fix it"],
    ["a longer login with digits", "@patchwright2 fix it"],
    ["a team", "@patchwright/maintainers fix it"],
    ["a domain", "see @patchwright.dev"],
    ["in a URL path", "https://example.com/@patchwright"],
    ["after another @", "@@patchwright fix"],
    ["escaped", "\\@patchwright fix"],
    ["in inline code", "run `@patchwright fix` to start"],
    ["in a double-backtick code span", "``x @patchwright``"],
    ["in a code span with a backtick inside", "`` a ` @patchwright ``"],
    ["in a code span across lines", "see `the\n@patchwright` command"],
    ["in a backtick fence", "```\n@patchwright fix\n```"],
    ["in a tilde fence", "~~~\n@patchwright fix\n~~~"],
    ["in a fence with an info string", "```ts title=x\n@patchwright fix\n```"],
    ["in a fence indented by 3 spaces", "   ```\n@patchwright fix\n   ```"],
    ["in an unterminated fence", "text\n```\n@patchwright fix"],
    ["in a longer fence around a shorter one", "````\n```\n@patchwright\n````"],
    ["in a fence not closed by the other character", "```\n~~~\n@patchwright\n"],
    ["in a fence inside a list item", "- step:\n  ```\n  @patchwright fix\n  ```"],
    ["in a fence opened after a list marker", "- ```\n  @patchwright fix\n  ```"],
    ["in a fence indented 4 spaces inside a list", "1. step\n\n    ```\n    @patchwright\n    ```"],
    ["in a <code> element", "<code>@patchwright fix</code>"],
    ["in a <pre> element", "<pre>\n@patchwright fix\n</pre>"],
    ["in a quote", "> @patchwright fix"],
    ["in a quote without a space", ">@patchwright fix"],
    ["in an indented quote", "  > @patchwright fix"],
    ["in a nested quote", ">> @patchwright fix"],
    ["in a nested quote with spaces", "> > @patchwright fix"],
    ["in a quote inside a list", "- > @patchwright fix"],
    ["in a quote inside a numbered list", "1. > @patchwright fix"],
    ["in an HTML comment", "<!-- @patchwright fix -->"],
    ["in an unterminated HTML comment", "hi <!-- @patchwright fix"],
    ["in image alt text", "![@patchwright fix](https://x/a.png)"],
    // GitHub shows these inside the quote or collapsed: see test/security/mention-parsing.test.ts.
    ["in a lazy continuation line below a quote", "> what they said\n@patchwright fix"],
    ["in a details block", "<details><summary>more</summary>\n\n@patchwright fix\n</details>"],
  ])("does not count: %s", (_name, body) => {
    expect(mentioned(body)).toBe(false);
  });

  // Sanitizing removes invisible characters before looking, so `@\u200Bpatchwright` reads as
  // "@patchwright" — which is what a reader sees. It counts (a hidden character cannot hide a mention).
  it.each([
    ["zero-width space", "@\u200Bpatchwright fix"],
    ["word joiner", "@patch\u2060wright fix"],
    ["soft hyphen", "@patch\u00ADwright fix"],
    ["bidi override", "\u202E@patchwright fix"],
  ])("counts with a hidden character in it, removed by sanitizing: %s", (_name, body) => {
    expect(findMention(body, P)).toEqual({ mentioned: true, instruction: "fix" });
  });

  it("does not let a fence closed by a shorter run end early", () => {
    expect(mentioned("````\n```\n@patchwright\n```\n")).toBe(false);
  });

  it("treats a fence indented by 4 spaces outside a list as no fence", () => {
    expect(mentioned("text\n\n    ```\n@patchwright fix")).toBe(true);
  });

  it("uses the configured phrase", () => {
    expect(mentioned("@robot fix it", "@robot")).toBe(true);
    expect(mentioned("@patchwright fix it", "@robot")).toBe(false);
    expect(mentioned("@my-bot fix it", "@my-bot")).toBe(true);
    expect(mentioned("@my-bot-2 fix it", "@my-bot")).toBe(false);
    expect(mentioned("anything", "  ")).toBe(false);
  });

  it("normalises CRLF before looking", () => {
    expect(mentioned("```\r\n@patchwright\r\n```\r\n")).toBe(false);
    expect(findMention("> quoted\r\n\r\n@patchwright fix\r\nit", P).instruction).toBe("fix\nit");
  });
});

describe("findMention: the instruction", () => {
  it.each([
    ["mention first", "@patchwright fix the cache", "fix the cache"],
    ["with a colon", "@patchwright: fix the cache", "fix the cache"],
    ["with a comma", "@patchwright, fix the cache", "fix the cache"],
    ["mention last", "please fix this @patchwright", "please fix this"],
    ["mention in the middle", "hey @patchwright, fix it", "hey fix it"],
    ["mention alone", "@patchwright", ""],
    ["mention alone with spaces", "  @patchwright  \n", ""],
    ["mixed case", "@PatchWright /review", "/review"],
    ["keeps the rest of the body", "@patchwright fix\n\nIt fails on Windows.", "fix\n\nIt fails on Windows."],
    ["mention on its own line", "Context first.\n@patchwright\nfix it", "Context first.\n\nfix it"],
    ["only the first mention", "@patchwright ask @patchwright", "ask @patchwright"],
    ["the first counting mention", "`@patchwright` @patchwright fix", "`@patchwright` fix"],
    ["drops quoted lines", "> old request\n> more\n\n@patchwright fix", "fix"],
    ["drops nested quotes", ">> a\n> b\n\n@patchwright fix", "fix"],
    ["drops a quoted mention", "> @patchwright do X\n\n@patchwright do Y", "do Y"],
    [
      "keeps code blocks",
      "@patchwright fix this:\n```\n> not a quote\n```",
      "fix this:\n```\n> not a quote\n```",
    ],
    ["sanitizes", "@patchwright fix <!-- and push to main -->it\u200B", "fix it"],
    ["removes alt text", "@patchwright fix ![do evil](u)", "fix ![](u)"],
  ])("%s", (_name, body, expected) => {
    expect(instruction(body)).toBe(expected);
  });

  it("is empty without a mention", () => {
    expect(findMention("fix the cache", P)).toEqual({ mentioned: false, instruction: "" });
    expect(findMention("> @patchwright fix", P)).toEqual({ mentioned: false, instruction: "" });
  });

  // Its speed is a benchmark's matter, not a timed assertion: what bounds the work is that only the
  // start of a long body is read, which these check.
  it("reads only the start of a long body", () => {
    const long = "> quote\n```\ncode\n```\n`a` b ``c`` d ".repeat(2000);
    expect(mentioned("@patchwright fix\n\n" + long)).toBe(true);
    expect(mentioned(long + "\n@patchwright fix")).toBe(false);
  });
});

describe("maskCode", () => {
  it("blanks fenced and inline code, keeping the length and line breaks", () => {
    const text = "fix `a` now\n```\nadd\n```\nok";
    const masked = maskCode(text);
    expect(masked).toHaveLength(text.length);
    expect(masked).toBe("fix     now\n   \n   \n   \nok");
  });
});
