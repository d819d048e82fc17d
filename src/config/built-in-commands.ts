import { z } from "zod";

/**
 * Commands patchwright understands itself. Here, below the request parser, because the config refuses
 * custom commands that would shadow them.
 */
export const BUILT_IN_COMMANDS = [
  "review",
  "plan",
  "approve",
  "stop",
  "help",
  "buddy",
  "pause",
  "resume",
] as const;
export const BuiltInCommand = z.enum(BUILT_IN_COMMANDS);
export type BuiltInCommand = z.infer<typeof BuiltInCommand>;
