import { describe, expect, it } from "vitest";
import { readRunOptions } from "../../src/cli/run-options.js";

describe("patchwright run's options", () => {
  it("are checked and converted once, unset numbers left to the repository's config", () => {
    expect(readRunOptions({ maxTurns: "7", author: "Ada <ada@example.com>" })).toEqual({
      ok: true,
      options: {
        repo: ".",
        mode: "implement",
        maxTurns: 7,
        keep: false,
        author: { name: "Ada", email: "ada@example.com" },
        provider: "anthropic",
      },
    });
  });

  it.each([
    [{ mode: "fix" }, "--mode must be implement, answer or plan"],
    [{ maxTurns: "0" }, '--max-turns must be a positive number, not "0"'],
    [{ maxCost: "free" }, '--max-cost must be a positive number, not "free"'],
    [{ timeout: "-1" }, '--timeout must be a positive number, not "-1"'],
    [{ author: "ada" }, '--author must look like "Name <email>"'],
    [{ provider: "openai" }, '--provider must be anthropic, bedrock or vertex, not "openai"'],
  ])("refuse %j in one sentence", (raw, message) => {
    expect(readRunOptions(raw)).toEqual({ ok: false, message });
  });
});
