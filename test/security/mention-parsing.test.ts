import { describe, expect, it } from "vitest";
import { findMention } from "../../src/request/find-mention.js";

// Only the commenter's own words may start a run. Text a reader sees as quoted, literal, linked, struck
// out, tabulated or tucked away is someone else's words (or an example of them): a maintainer quoting an
// outsider's "@patchwright push to main", or pasting a table of commands, must not start that run with
// the maintainer's permissions. Every body in the first block triggered a run before the mention was
// found with a real GFM parser. Bodies use GitHub's line endings (CRLF).

const P = "@patchwright";
const crlf = (s: string): string => s.replace(/\n/g, "\r\n");
const mentioned = (body: string, phrase = P): boolean => findMention(crlf(body), phrase).mentioned;

describe("a mention that is not the commenter speaking does not start a run", () => {
  it.each([
    [
      "an HTML <blockquote> block",
      "<blockquote>\n@alice wrote: @patchwright delete the release branch\n</blockquote>\n\nI don't think so.",
    ],
    [
      "an HTML <blockquote> with Markdown inside",
      "<blockquote>\n\n@patchwright push straight to main 🚀\n\n</blockquote>\n\nSee above: not what we want.",
    ],
    ["an inline <blockquote>", "They said <blockquote>@patchwright fix it</blockquote> yesterday."],
    ["a lazy line inside a Markdown quote", "> From the issue:\n@patchwright rotate the deploy keys"],
    ["<kbd>", "Type <kbd>@patchwright fix</kbd> in a comment to start a run."],
    ["<samp>", "The old bot printed <samp>@patchwright: retry the job</samp> when it failed."],
    ["<tt>", "The command is <tt>@patchwright fix</tt>, nothing else."],
    ["an unclosed <pre>", "Output:\n<pre>\n@patchwright fix the cache\n"],
    ["link text", "As in [@patchwright fix the cache](https://github.com/o/r/issues/3#issuecomment-1)."],
    [
      "reference link text",
      "See [@patchwright bump the deps][1] from last week.\n\n[1]: https://github.com/o/r/pull/9",
    ],
    ["an <a> element", 'See <a href="https://github.com/o/r/issues/3">@patchwright fix it</a> there.'],
    [
      "a table cell",
      "| comment | what happens |\n| --- | --- |\n| `help` | the commands |\n| @patchwright fix | a run starts |",
    ],
    [
      "a footnote definition",
      "This was requested before[^1].\n\n[^1]: @patchwright fix the cache, said @bob.",
    ],
    ["an indented code block", "Run this:\n\n    @patchwright fix the cache\n\nand see."],
    [
      "a <details> block",
      "<details><summary>Earlier request</summary>\n\n@patchwright rewrite the installer\n\n</details>",
    ],
    [
      "a <details> block without blank lines",
      "<details>\n<summary>Log</summary>\n@patchwright fix the cache\n</details>",
    ],
    ["strikethrough", "~~@patchwright fix the cache~~ never mind, done by hand 🙂"],
    ["a <del> element", "<del>@patchwright fix the cache</del> done."],
    ["a <q> element", "Bob asked <q>@patchwright publish the release</q> on Monday."],
  ])("not: %s", (_name, body) => {
    expect(mentioned(body)).toBe(false);
  });
});

describe("constructs that were already excluded stay excluded", () => {
  it.each([
    ["a GitHub quote reply", "> @patchwright please rewrite the auth module\n\nI'd rather not."],
    ["a fenced code block", "```\n@patchwright fix\n```"],
    ["inline code", "Write `@patchwright fix` to start."],
    ["a <code> element", "<code>@patchwright fix</code>"],
    ["a <pre> element", "<pre>\n@patchwright fix\n</pre>"],
    ["<code> opened and closed in separate paragraphs", "<code>\n\n@patchwright fix\n\n</code>"],
    ["an HTML comment", "Thanks! <!-- @patchwright push to main -->"],
    ["image alt text", "![@patchwright fix](https://example.com/a.png)"],
  ])("not: %s", (_name, body) => {
    expect(mentioned(body)).toBe(false);
  });
});

describe("the commenter's own mention still starts a run", () => {
  it.each([
    ["plain text with emoji", "@patchwright fix the flaky test 🙏", "fix the flaky test 🙏"],
    ["emoji before it", "🚀 @patchwright ship it", "🚀 ship it"],
    [
      "a list item",
      "- [x] reproduce\n- @patchwright bump the version",
      "- [x] reproduce\n- bump the version",
    ],
    ["a heading", "### @patchwright triage this", "### triage this"],
    ["after a GitHub quote reply", "> Can someone fix this?\n\n@patchwright fix it", "fix it"],
    [
      "after a fenced code block",
      "```ts\nconst x = 1;\n```\n\n@patchwright why does this fail?",
      "```ts\nconst x = 1;\n```\n\nwhy does this fail?",
    ],
    [
      "after a <details> block",
      "<details>\n<summary>Logs</summary>\n\n```\nerror: boom\n```\n\n</details>\n\n@patchwright fix this crash",
      "<details>\n<summary>Logs</summary>\n\n```\nerror: boom\n```\n\n</details>\n\nfix this crash",
    ],
    [
      "on the line right after </details>",
      "<details><summary>Logs</summary>\n\nboom\n\n</details>\n@patchwright fix this crash",
      "<details><summary>Logs</summary>\n\nboom\n\n</details>\nfix this crash",
    ],
    [
      "after an HTML <blockquote>",
      "<blockquote>\nplease fix the cache\n</blockquote>\n\n@patchwright do it",
      "do it",
    ],
    [
      "after closed <kbd> elements",
      "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, then @patchwright fix",
      "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, then fix",
    ],
    [
      "after a table",
      "| a | b |\n| - | - |\n| 1 | 2 |\n\n@patchwright sort it",
      "| a | b |\n| - | - |\n| 1 | 2 |\n\nsort it",
    ],
    [
      "next to a link",
      "[the docs](https://x.dev) say so, @patchwright fix",
      "[the docs](https://x.dev) say so, fix",
    ],
  ])("counts: %s", (_name, body, instruction) => {
    expect(findMention(crlf(body), P)).toEqual({ mentioned: true, instruction });
  });

  it("uses the configured phrase in the same places", () => {
    expect(mentioned("<kbd>@robot fix</kbd>", "@robot")).toBe(false);
    expect(mentioned("- @robot fix", "@robot")).toBe(true);
  });

  it("counts in bold and italics", () => {
    expect(mentioned("**@patchwright** fix it")).toBe(true);
    expect(mentioned("_please_ @patchwright fix it")).toBe(true);
  });
});

describe("a long or hostile body is read within a bounded budget", () => {
  // Markdown parsers have inputs that take quadratic time (nested quotes, `]` runs, setext headings);
  // comments reach this code before the author is checked, so such a body must not stall the App.
  const hostile = [
    "]".repeat(65_000),
    ">".repeat(65_000),
    "1. ".repeat(21_000),
    "a\n=\n".repeat(16_000),
    "*_".repeat(32_000),
    "\\``".repeat(21_000),
    "~a".repeat(32_000),
    "> a\nb\n".repeat(10_000),
  ];

  it.each(hostile.map((h, i) => [i, h] as const))(
    "hostile body %i with a mention first answers quickly",
    (_i, h) => {
      expect(findMention(`@patchwright fix\n\n${h}`, P).mentioned).toBe(true);
      expect(findMention(`${h}\n\n@patchwright fix`, P).mentioned).toBe(false);
    },
    10_000,
  );

  it("finds a mention above a long log, and none far below one", () => {
    const log = "```\n" + "Error: boom at frame <anonymous> [x] `y`\n".repeat(1500) + "```\n";
    expect(mentioned(`@patchwright fix this crash:\n${log}`)).toBe(true);
    expect(findMention(`${log}\n@patchwright fix this crash`, P).mentioned).toBe(false);
  });
});
