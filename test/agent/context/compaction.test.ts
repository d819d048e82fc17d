import { describe, expect, it } from "vitest";
import type { ContentBlock, Message } from "../../../src/agent/model-types.js";
import {
  BREAKER_REASON,
  CompactionBreaker,
  SUMMARY_SECTIONS,
  compact,
  maskOldToolResults,
  summaryInstruction,
  type CompactionOptions,
} from "../../../src/agent/context/compaction.js";
import { historyProblems } from "../../../src/agent/context/history.js";
import { estimateTokens } from "../../../src/agent/context/token-count.js";
import { PROTECTED_FLOOR_CHARS } from "../../../src/agent/context/truncate.js";
/** A deterministic PRNG so "random" conversations are reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface TurnSpec {
  /** Tool calls in this turn, each with the size of its output. */
  calls?: { name: string; outputChars: number }[];
  /** Size of the assistant's own text. */
  textChars?: number;
}

/**
 * A conversation as the loop builds it: the request, then per turn an assistant message (text and
 * tool_use blocks) and the user message with their tool_results. Ends on the last tool_result message.
 */
function conversation(turns: TurnSpec[], request = "Fix the failing test in src/math.ts."): Message[] {
  const messages: Message[] = [{ role: "user", content: request }];
  let id = 0;
  turns.forEach((t, turn) => {
    const calls = (t.calls ?? [{ name: "bash", outputChars: 100 }]).map((c) => ({ ...c, id: `tu_${++id}` }));
    const assistant: ContentBlock[] = [
      { type: "text", text: `Turn ${turn}: ` + "thinking ".repeat(Math.ceil((t.textChars ?? 40) / 9)) },
      ...calls.map((c): ContentBlock => ({
        type: "tool_use",
        id: c.id,
        name: c.name,
        input: { command: `step ${turn}` },
      })),
    ];
    messages.push({ role: "assistant", content: assistant });
    messages.push({
      role: "user",
      content: calls.map((c): ContentBlock => ({
        type: "tool_result",
        tool_use_id: c.id,
        content: `output of ${c.id}: ` + "x".repeat(c.outputChars),
      })),
    });
  });
  return messages;
}

/** Every rule the Messages API enforces on a history, checked from scratch (not with the module's helper). */
function expectWellFormed(messages: Message[], original: Message[]): void {
  expect(messages[0]?.role).toBe("user");
  // The original request is still first (possibly followed by a summary block).
  const firstText = (m: Message): string =>
    typeof m.content === "string" ? m.content : m.content[0]?.type === "text" ? m.content[0].text : "";
  expect(firstText(messages[0] as Message).startsWith(firstText(original[0] as Message).slice(0, 30))).toBe(
    true,
  );
  for (let i = 1; i < messages.length; i++) {
    expect(messages[i]?.role, `roles alternate at ${i}`).not.toBe(messages[i - 1]?.role);
  }
  messages.forEach((m, i) => {
    if (typeof m.content === "string") return;
    const prev = messages[i - 1];
    const uses =
      prev && typeof prev.content !== "string"
        ? prev.content.filter((b) => b.type === "tool_use").map((b) => b.id)
        : [];
    for (const b of m.content) {
      if (b.type === "tool_result") {
        expect(prev?.role, `result ${b.tool_use_id} follows an assistant message`).toBe("assistant");
        expect(uses, `result ${b.tool_use_id} has its tool_use in the message before`).toContain(
          b.tool_use_id,
        );
      }
    }
    const next = messages[i + 1];
    if (m.role === "assistant" && next && typeof next.content !== "string") {
      const answered = next.content.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id);
      for (const b of m.content) if (b.type === "tool_use") expect(answered).toContain(b.id);
    }
  });
}

const SUMMARY =
  "## Goal\nFix the test.\n## Instructions\nnone\n## Discoveries\nThe bug is in add().\n## Done\nnone\n## Files\nsrc/math.ts\n## Pending\nFix add().";

/** Compact a deep copy check: the input must come back untouched, and the output must be well formed. */
async function compactChecked(messages: Message[], opts: CompactionOptions) {
  const snapshot = structuredClone(messages);
  const result = await compact(messages, opts);
  expect(messages).toEqual(snapshot);
  expectWellFormed(result.messages, messages);
  expect(historyProblems(result.messages)).toEqual([]);
  expect(result.beforeTokens).toBe(estimateTokens(messages) + (opts.baseTokens ?? 0));
  expect(result.afterTokens).toBe(estimateTokens(result.messages) + (opts.baseTokens ?? 0));
  return result;
}

const bigOutputs = (n: number, chars: number): TurnSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    calls: [{ name: i % 2 ? "read_file" : "bash", outputChars: chars }],
  }));
const bigTexts = (n: number, chars: number): TurnSpec[] =>
  Array.from({ length: n }, () => ({ textChars: chars }));

describe("compact", () => {
  it("level 1: a history already under the target comes back unchanged", async () => {
    const messages = conversation(bigOutputs(3, 1000));
    const r = await compactChecked(messages, { targetTokens: 50_000 });
    expect(r.level).toBe(1);
    expect(r.messages).toEqual(messages);
    expect(r.messages).not.toBe(messages);
    expect(r.afterTokens).toBe(r.beforeTokens);
    expect(r.failed).toBeUndefined();
  });

  it("level 2: masks tool results older than the last 6 turns, naming the tool, pairs intact", async () => {
    const messages = conversation(bigOutputs(10, 10_000));
    expect(estimateTokens(messages)).toBeGreaterThan(28_000);
    const summarizer = async (): Promise<string> => Promise.reject(new Error("not needed"));
    const r = await compactChecked(messages, { targetTokens: 20_000, triggerTokens: 28_000, summarizer });
    expect(r.level).toBe(2);
    expect(r.failed).toBeUndefined();
    expect(r.afterTokens).toBeLessThanOrEqual(20_000);
    expect(r.messages).toHaveLength(messages.length);
    // Turns 0–3 (user messages 2, 4, 6, 8) are masked; the last 6 turns are untouched.
    for (const i of [2, 4, 6, 8]) {
      const block = (r.messages[i]?.content as ContentBlock[])[0];
      const name = (i / 2 - 1) % 2 ? "read_file" : "bash";
      expect(block).toMatchObject({
        type: "tool_result",
        content: `[output of ${name} elided to save context; call the tool again if you need it]`,
      });
    }
    expect(r.messages.slice(9)).toEqual(messages.slice(9));
  });

  it("level 2 keeps is_error and skips results already shorter than the note", () => {
    const messages = conversation(bigOutputs(8, 5));
    const m2 = messages[2] as Message;
    messages[2] = {
      ...m2,
      content: [{ ...((m2.content as ContentBlock[])[0] as ContentBlock), is_error: true } as ContentBlock],
    };
    const masked = maskOldToolResults(messages, 6);
    expect(masked).toEqual(messages); // all outputs are tiny: nothing to gain
    const big = conversation(bigOutputs(8, 500));
    const first = big[2]?.content as ContentBlock[];
    big[2] = { role: "user", content: [{ ...(first[0] as ContentBlock), is_error: true } as ContentBlock] };
    expect((maskOldToolResults(big, 6)[2]?.content as ContentBlock[])[0]).toMatchObject({ is_error: true });
  });

  it("level 3: drops the oldest whole exchanges, keeping the request and the last 6 turns", async () => {
    const messages = conversation(bigTexts(10, 10_000));
    const r = await compactChecked(messages, { targetTokens: 20_000 });
    expect(r.level).toBe(3);
    expect(r.failed).toBeUndefined();
    expect(r.afterTokens).toBeLessThanOrEqual(20_000);
    expect(r.messages[0]).toEqual(messages[0]);
    expect(r.messages[1]?.role).toBe("assistant");
    expect(r.messages.slice(-12)).toEqual(messages.slice(-12));
    // Only as much as needed: keeping one more exchange would be over the target.
    const dropped = messages.length - r.messages.length;
    expect(dropped % 2).toBe(0);
    const oneLess = [messages[0] as Message, ...messages.slice(1 + dropped - 2)];
    expect(estimateTokens(oneLess)).toBeGreaterThan(20_000);
  });

  it("level 3 never goes into the last keepRecentTurns turns; level 5 does the rest", async () => {
    const messages = conversation(bigTexts(8, 10_000));
    const r = await compactChecked(messages, { targetTokens: 6000, keepRecentTurns: 3 });
    expect(r.level).toBe(5);
    expect(r.afterTokens).toBeLessThanOrEqual(6000);
    expect(r.messages).toHaveLength(1 + 2 * 3);
  });

  it("level 4: summarises what level 3 drops into the first user message; roles alternate", async () => {
    const messages = conversation(bigTexts(10, 10_000));
    const seen: Message[][] = [];
    const keptFrom: number[] = [];
    const breaker = new CompactionBreaker();
    const r = await compactChecked(messages, {
      targetTokens: 20_000,
      breaker,
      summarizer: async (dropped, from) => {
        seen.push(dropped);
        keptFrom.push(from);
        return Promise.resolve(`<summary>${SUMMARY}</summary>`);
      },
    });
    expect(r.level).toBe(4);
    expect(r.failed).toBeUndefined();
    expect(breaker.failures).toBe(0);
    expect(r.afterTokens).toBeLessThanOrEqual(20_000);
    expect(seen).toHaveLength(1);
    const dropped = seen[0] as Message[];
    expect(dropped[0]?.role).toBe("assistant");
    // Where the kept part starts in the history given: a summarizer that sends the whole history says so.
    expect(keptFrom).toEqual([1 + dropped.length]);
    // The summarizer sees the dropped part as it stood in the context: after level 2.
    const masked = maskOldToolResults(messages, 6);
    expect(dropped).toEqual(masked.slice(1, 1 + dropped.length));
    expect(r.messages).toHaveLength(messages.length - dropped.length);
    expect(r.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: messages[0]?.content },
        { type: "text", text: `<summary>\n${SUMMARY}\n</summary>` },
      ],
    });
    expect(r.messages.slice(1)).toEqual(masked.slice(1 + dropped.length));
    expect(r.messages.slice(-12)).toEqual(messages.slice(-12));
  });

  it("level 4 again: the earlier summary is summarised with the rest and replaced", async () => {
    let messages = conversation(bigTexts(10, 10_000));
    const calls: Message[][] = [];
    const summarizer = async (dropped: Message[]): Promise<string> => {
      calls.push(dropped);
      return Promise.resolve(`${SUMMARY}\n(round ${calls.length})`);
    };
    messages = (await compactChecked(messages, { targetTokens: 20_000, summarizer })).messages;
    const more = conversation(bigTexts(6, 10_000)).slice(1);
    // Tool ids repeat between the two scripted runs; give the new ones fresh ids.
    const renamed = JSON.stringify(more).replace(/"tu_(\d+)"/g, (_, n: string) => `"tu_${Number(n) + 100}"`);
    const fresh = [...messages, ...(JSON.parse(renamed) as Message[])];
    const r = await compactChecked(fresh, { targetTokens: 20_000, summarizer });
    expect(r.level).toBe(4);
    expect(calls[1]?.[0]).toMatchObject({ role: "user", content: expect.stringContaining("(round 1)") });
    const first = r.messages[0]?.content as ContentBlock[];
    expect(first).toHaveLength(2);
    expect(first[1]).toMatchObject({ type: "text", text: expect.stringContaining("(round 2)") });
  });

  it("level 5: truncates the longest contents, oldest first, never the last message below its floor", async () => {
    const messages = conversation(bigOutputs(7, 16_000));
    const r = await compactChecked(messages, { targetTokens: 10_000 });
    expect(r.level).toBe(5);
    expect(r.failed).toBeUndefined();
    expect(r.afterTokens).toBeLessThanOrEqual(10_000);
    const last = (r.messages.at(-1)?.content as ContentBlock[])[0];
    expect(last?.type === "tool_result" && last.content.length).toBeGreaterThanOrEqual(PROTECTED_FLOOR_CHARS);
    const oldest = (r.messages[2]?.content as ContentBlock[])[0];
    expect(oldest?.type === "tool_result" && oldest.content).toMatch(
      /characters cut to fit the context window/,
    );
  });

  it("counts the base tokens (system prompt, tools) towards the size", async () => {
    const messages = conversation(bigOutputs(4, 3000));
    expect((await compactChecked(messages, { targetTokens: 4000 })).level).toBe(1);
    const r = await compactChecked(messages, { targetTokens: 4000, baseTokens: 1500, keepRecentTurns: 2 });
    expect(r.level).toBe(2);
    expect(r.afterTokens).toBeLessThanOrEqual(4000);
  });
});

describe("summary failures and the circuit breaker", () => {
  const history = (): Message[] => conversation(bigTexts(10, 10_000));

  it("a summarizer that throws is a failure; the call falls back to level 3", async () => {
    const breaker = new CompactionBreaker();
    const r = await compactChecked(history(), {
      targetTokens: 20_000,
      breaker,
      summarizer: () => Promise.reject(new Error("overloaded")),
    });
    expect(r.failed).toBe("the summary failed: overloaded");
    expect(r.level).toBe(3);
    expect(r.afterTokens).toBeLessThanOrEqual(20_000);
    expect(breaker.failures).toBe(1);
    expect(breaker.open).toBe(false);
  });

  it("a summary that is not smaller than what it replaces is a failure", async () => {
    const breaker = new CompactionBreaker();
    const r = await compactChecked(history(), {
      targetTokens: 20_000,
      breaker,
      summarizer: (dropped) => Promise.resolve(JSON.stringify(dropped).repeat(2)),
    });
    expect(r.failed).toMatch(/^the summary \(\d+ tokens\) was not smaller than what it replaces/);
    expect(r.level).toBe(3);
    expect(JSON.stringify(r.messages)).not.toContain("<summary>");
    expect(breaker.failures).toBe(1);
  });

  it("opens after three consecutive failures and compact refuses to run", async () => {
    const breaker = new CompactionBreaker();
    const summarizer = (): Promise<string> => Promise.reject(new Error("down"));
    for (let i = 1; i <= 3; i++) {
      expect(breaker.open).toBe(false);
      await compact(history(), { targetTokens: 20_000, breaker, summarizer });
      expect(breaker.failures).toBe(i);
    }
    expect(breaker.open).toBe(true);
    expect(BREAKER_REASON).toBe("compaction failed three times in a row");
    let called = false;
    await expect(
      compact(history(), {
        targetTokens: 20_000,
        breaker,
        summarizer: () => {
          called = true;
          return Promise.resolve("x");
        },
      }),
    ).rejects.toThrow(BREAKER_REASON);
    expect(called).toBe(false);
  });

  it("a success resets the count: failures must be consecutive", async () => {
    const breaker = new CompactionBreaker();
    const fail = (): Promise<string> => Promise.reject(new Error("down"));
    const ok = (): Promise<string> => Promise.resolve(SUMMARY);
    for (const summarizer of [fail, fail, ok, fail, fail]) {
      await compact(history(), { targetTokens: 20_000, breaker, summarizer });
    }
    expect(breaker.failures).toBe(2);
    expect(breaker.open).toBe(false);
    await compact(conversation(bigOutputs(2, 10)), { targetTokens: 20_000, breaker }); // level 1 is a success
    expect(breaker.failures).toBe(0);
  });
});

describe("invariants over scripted conversations", () => {
  it("never splits a pair, keeps the request first, alternates roles, never mutates the input", async () => {
    const random = rng(42);
    const levels = new Set<number>();
    for (let run = 0; run < 60; run++) {
      const turns: TurnSpec[] = Array.from({ length: 2 + Math.floor(random() * 20) }, () => ({
        textChars: Math.floor(random() * 3000),
        calls: Array.from({ length: Math.floor(random() * 4) }, () => ({
          name: random() < 0.5 ? "bash" : "str_replace_based_edit_tool",
          outputChars: Math.floor(random() ** 2 * 16_000),
        })),
      }));
      // A turn without tool calls ends the loop unless a verification nudge follows: keep one call.
      for (const t of turns) if (t.calls?.length === 0) t.calls.push({ name: "bash", outputChars: 50 });
      const messages = conversation(turns, "Request: " + "r".repeat(Math.floor(random() * 2000)));
      const total = estimateTokens(messages);
      const targetTokens = Math.max(3000, Math.floor(total * (0.1 + random() * 1.1)));
      const mode = Math.floor(random() * 4);
      const r = await compactChecked(messages, {
        targetTokens,
        keepRecentTurns: 1 + Math.floor(random() * 7),
        ...(mode === 0
          ? {}
          : {
              summarizer: (dropped: Message[]) =>
                mode === 1
                  ? Promise.resolve(SUMMARY)
                  : mode === 2
                    ? Promise.reject(new Error("no"))
                    : Promise.resolve(JSON.stringify(dropped).repeat(2)),
            }),
      });
      levels.add(r.level);
      // Each invariant holds where it applies; elsewhere the value checked is one that passes.
      expect(total <= targetTokens ? r.level : 1).toBe(1);
      expect(r.level === 1 ? r.messages : messages).toEqual(messages);
      expect(r.level === 4 ? mode : 1).toBe(1);
      const over = r.afterTokens > targetTokens;
      expect(over ? r.level : 5).toBe(5);
      expect(over ? r.failed : "not over").toBeDefined();
      expect(!over && r.failed ? mode : 2).toBeGreaterThanOrEqual(2);
    }
    expect([...levels].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("the summary instruction asks for the fixed sections, in order, and names the turns kept", () => {
    const sections = ["Goal", "Instructions", "Discoveries", "Done", "Files", "Pending"];
    const at = sections.map((s) => SUMMARY_SECTIONS.indexOf(`## ${s}\n`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(summaryInstruction(5)).toContain(SUMMARY_SECTIONS);
    expect(summaryInstruction(5)).toContain(
      "except the first user message (the original request) and your last 5 turns",
    );
    expect(summaryInstruction(1)).toContain("and your last turn (");
    expect(summaryInstruction(0)).toContain("(the original request) will be deleted");
  });
});
