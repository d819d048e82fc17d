import { z } from "zod";
import { BuiltInCommand } from "../config/built-in-commands.js";

/** Built-in commands that also work without a slash (`approve`, `/approve`); the others need one. */
const BARE_COMMANDS: ReadonlySet<string> = new Set(["approve", "stop", "help", "buddy", "pause", "resume"]);

/** What a mention asks for. */
export const Intent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("command"), command: BuiltInCommand, args: z.string() }),
  /** `/<name>` where name is one of the repository config's commands. */
  z.object({ kind: z.literal("custom"), name: z.string().min(1), args: z.string() }),
  /** Anything else, to be routed (implement / answer / plan). */
  z.object({ kind: z.literal("free"), text: z.string() }),
]);
export type Intent = z.infer<typeof Intent>;

/** The first word, and what follows it (a `:` or `,` right after the word is dropped from both). */
const FIRST_WORD = /^(\S+?)[.!?,:;]*(?:\s+([\s\S]*))?$/;
const SLASH_NAME = /^\/([A-Za-z][A-Za-z0-9_-]*)$/;

/**
 * Reads an instruction (the text of a mention without the mention, see findMention). Commands are the
 * first word, case-insensitive: `/review` and `/plan` need the slash; `approve` and `stop` work without
 * one, with words after them; `help`, `buddy`, `pause` and `resume` work without one only on their own. Punctuation right after the word is ignored (`stop!`, `approve:`). A `/name` from
 * `customCommands` (the config's command names, with or without a leading slash) is a custom command; a
 * built-in name always wins. An unknown `/name` is free text, slash kept. An empty instruction asks for help.
 */
export function parseIntent(instruction: string, customCommands: readonly string[]): Intent {
  const text = instruction.trim();
  if (text === "") return { kind: "command", command: "help", args: "" };
  const first = FIRST_WORD.exec(text);
  const word = first?.[1] ?? "";
  const args = (first?.[2] ?? "").trim();

  const slash = SLASH_NAME.exec(word);
  const name = (slash ? slash[1]! : word).toLowerCase();
  const builtIn = BuiltInCommand.safeParse(name);
  // "help me fix the cache" is a request, not `help`: only approve and stop take words after them bare.
  const bareWithArgs = name === "approve" || name === "stop";
  if (builtIn.success && (slash || (BARE_COMMANDS.has(name) && (args === "" || bareWithArgs)))) {
    return { kind: "command", command: builtIn.data, args };
  }
  if (slash) {
    const custom = customCommands.find((c) => c.replace(/^\//, "").toLowerCase() === name);
    if (custom !== undefined) return { kind: "custom", name: custom.replace(/^\//, ""), args };
  }
  return { kind: "free", text };
}
