import { describe, expect, it } from "vitest";
import { BUILT_IN_COMMANDS } from "../../src/config/built-in-commands.js";
import { Intent, parseIntent } from "../../src/request/parse-intent.js";

const CUSTOM = ["deploy-docs", "/triage", "changelog"];
const parse = (instruction: string) => parseIntent(instruction, CUSTOM);

describe("parseIntent: built-in commands", () => {
  it.each([
    ["/review", "review", ""],
    ["/review focus on security", "review", "focus on security"],
    ["/REVIEW", "review", ""],
    ["/Review please", "review", "please"],
    ["/plan", "plan", ""],
    ["/plan fix the cache", "plan", "fix the cache"],
    ["/plan: fix the cache", "plan", "fix the cache"],
    ["/plan\nfix the cache\n\nand the queue", "plan", "fix the cache\n\nand the queue"],
    ["approve", "approve", ""],
    ["/approve", "approve", ""],
    ["Approve", "approve", ""],
    ["approve.", "approve", ""],
    ["approve, but keep the old name", "approve", "but keep the old name"],
    ["approve: use option 2", "approve", "use option 2"],
    ["stop", "stop", ""],
    ["/stop", "stop", ""],
    ["STOP!", "stop", ""],
    ["stop the run please", "stop", "the run please"],
    ["help", "help", ""],
    ["/help", "help", ""],
    ["help?", "help", ""],
    ["buddy", "buddy", ""],
    ["/buddy stats", "buddy", "stats"],
    ["pause", "pause", ""],
    ["/pause", "pause", ""],
    ["resume", "resume", ""],
    ["/resume now", "resume", "now"],
    ["  approve  ", "approve", ""],
  ])("%j → %s", (input, command, args) => {
    expect(parse(input)).toEqual({ kind: "command", command, args });
  });

  it.each(["", "   ", "\n\n"])("an empty instruction asks for help: %j", (input) => {
    expect(parse(input)).toEqual({ kind: "command", command: "help", args: "" });
  });

  it.each([
    ["review needs a slash", "review this PR"],
    ["plan needs a slash", "plan the migration"],
    ["a command later in the text", "please approve"],
    ["a longer word", "approved"],
    ["a word starting like a command", "stopwatch is broken"],
    ["a path", "/usr/bin/env is missing"],
    ["help with words after it is a request", "help me fix the pagination bug"],
    ["pause with words after it is a request", "pause the retry loop between uploads"],
    ["a slash command joined to more text", "/review:x"],
  ])("free text: %s", (_name, input) => {
    expect(parse(input)).toEqual({ kind: "free", text: input });
  });

  it("lists every built-in command", () => {
    expect([...BUILT_IN_COMMANDS].sort()).toEqual(
      ["approve", "buddy", "help", "pause", "plan", "resume", "review", "stop"].sort(),
    );
  });
});

describe("parseIntent: custom commands", () => {
  it.each([
    ["/deploy-docs", "deploy-docs", ""],
    ["/deploy-docs to staging", "deploy-docs", "to staging"],
    ["/DEPLOY-DOCS", "deploy-docs", ""],
    ["/triage the new issues", "triage", "the new issues"],
    ["/changelog\nsince v1.2", "changelog", "since v1.2"],
  ])("%j → %s", (input, name, args) => {
    expect(parse(input)).toEqual({ kind: "custom", name, args });
  });

  it("needs the slash", () => {
    expect(parse("changelog since v1")).toEqual({ kind: "free", text: "changelog since v1" });
  });

  it("keeps an unknown /name as free text, slash included", () => {
    expect(parse("/deploy now")).toEqual({ kind: "free", text: "/deploy now" });
    expect(parseIntent("/deploy-docs", [])).toEqual({ kind: "free", text: "/deploy-docs" });
  });

  it("lets a built-in win over a custom command of the same name", () => {
    expect(parseIntent("/review x", ["review"])).toEqual({ kind: "command", command: "review", args: "x" });
  });

  it("keeps the rest of a free text whole", () => {
    expect(parse("  fix the cache\n\n```\ncode\n```  ")).toEqual({
      kind: "free",
      text: "fix the cache\n\n```\ncode\n```",
    });
  });
});

describe("Intent schema", () => {
  it("accepts every parsed intent", () => {
    for (const input of ["", "/plan x", "approve", "/triage y", "/nope", "fix it"]) {
      expect(Intent.parse(parse(input))).toEqual(parse(input));
    }
  });

  it.each([
    { kind: "command", command: "deploy", args: "" },
    { kind: "command", command: "review" },
    { kind: "custom", name: "", args: "" },
    { kind: "free" },
    { kind: "other", text: "x" },
  ])("rejects %j", (value) => {
    expect(Intent.safeParse(value).success).toBe(false);
  });
});
