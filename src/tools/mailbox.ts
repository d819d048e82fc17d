import { appendFile, readFile } from "node:fs/promises";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import type { Tool } from "./tool-types.js";

export const SEND_MESSAGE_TOOL = "send_message";
export const READ_MESSAGES_TOOL = "read_messages";
/** The name the run's main agent goes by in the mailbox. */
export const LEAD = "lead";
/** Short messages: the mailbox is for coordination, not for passing files around. */
export const MAX_MESSAGE_CHARS = 2000;

export const MailboxMessage = z.object({
  from: z.string(),
  to: z.string(),
  text: z.string(),
});
export type MailboxMessage = z.infer<typeof MailboxMessage>;

/**
 * The run's mailbox: one JSON line per message in a file of the run's scratch folder, written only by
 * the harness (through these tools). Each reader keeps its own position, so a message is delivered once.
 */
export class Mailbox {
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  send(message: MailboxMessage): Promise<void> {
    // One append at a time: agents running together must not interleave their lines.
    const next = this.chain.then(() =>
      appendFile(this.path, `${JSON.stringify(message)}\n`, { mode: 0o600 }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  async all(): Promise<MailboxMessage[]> {
    const text = await readFile(this.path, "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return "";
      throw err;
    });
    return text
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => {
        const parsed = MailboxMessage.safeParse(parseLine(line));
        return parsed.success ? [parsed.data] : [];
      });
  }
}

export const SendMessageInput = z.object({
  to: z.string().trim().min(1).max(40).describe(`An agent's name (such as agent-2), "${LEAD}", or "all".`),
  text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
});
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export const ReadMessagesInput = z.object({});
export type ReadMessagesInput = z.infer<typeof ReadMessagesInput>;

/** send_message and read_messages for the agent called `self`. */
export function createMailboxTools(
  mailbox: Mailbox,
  self: string,
): [Tool<SendMessageInput>, Tool<ReadMessagesInput>] {
  let seen = 0;
  const send = defineTool<SendMessageInput>({
    name: SEND_MESSAGE_TOOL,
    kind: "read",
    spec: {
      kind: "custom",
      name: SEND_MESSAGE_TOOL,
      // The same words for every agent: a fork's tool list must be its parent's, byte for byte.
      description: "Leave a short message for another agent of this run.",
      inputSchema: z.toJSONSchema(SendMessageInput),
    },
    input: SendMessageInput,
    subject: (input) => `to ${input.to}`,
    run: async (input) => {
      await mailbox.send({ from: self, to: input.to, text: input.text });
      return { isError: false, content: `Message left for ${input.to}.` };
    },
  });
  const read = defineTool<ReadMessagesInput>({
    name: READ_MESSAGES_TOOL,
    kind: "read",
    spec: {
      kind: "custom",
      name: READ_MESSAGES_TOOL,
      description: "Read the messages other agents of this run left for you since you last looked.",
      inputSchema: z.toJSONSchema(ReadMessagesInput),
    },
    input: ReadMessagesInput,
    subject: () => "inbox",
    run: async () => {
      const all = await mailbox.all();
      const fresh = all.slice(seen).filter((m) => m.from !== self && (m.to === self || m.to === "all"));
      seen = all.length;
      if (fresh.length === 0) return { isError: false, content: "No new messages." };
      // Other agents' words are data: quoted, with who sent them.
      return {
        isError: false,
        content: fresh.map((m) => `From ${m.from}:\n> ${m.text.replace(/\n/g, "\n> ")}`).join("\n\n"),
      };
    },
  });
  return [send, read];
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
