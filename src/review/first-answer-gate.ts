import type { ModelClient } from "../agent/model-types.js";

export interface FirstAnswerGate {
  /** The first part's model: opens the gate when its first answer starts streaming text, ends or fails. */
  first: ModelClient;
  /** Resolves once the gate is open. */
  opened: Promise<void>;
  /** Opens it whatever happened (the first part ended before calling the model). */
  open(): void;
}

/**
 * Holds every part of a review but the first until the first part's first answer has begun. The parts'
 * requests start with the same prefix (tools and system prompt, a cache breakpoint after it); the API
 * serves a prefix from the cache only once the request that wrote it has started answering, so parts
 * sent together would each pay to write it. The wait is the first answer's first streamed text (its
 * end, when it streams none: an answer made only of tool calls), not the whole answer.
 */
export function firstAnswerGate(model: ModelClient): FirstAnswerGate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    first: {
      send: async (request, onText) => {
        try {
          return await model.send(request, (delta) => {
            open();
            onText?.(delta);
          });
        } finally {
          open();
        }
      },
    },
    opened,
    open,
  };
}
