import type { ModelClient } from "../agent/model-types.js";

export interface FirstAnswerGate {
  /** The first part's model: opens the gate when its first request is answered (or fails). */
  first: ModelClient;
  /** Resolves once the gate is open. */
  opened: Promise<void>;
  /** Opens it whatever happened (the first part ended before calling the model). */
  open(): void;
}

/**
 * Holds every part of a review but the first until the first part's first answer is in. The parts'
 * requests start with the same prefix (tools and system prompt, a cache breakpoint after it); the API
 * serves a prefix from the cache only once the request that wrote it has started answering, so parts
 * sent together would each pay to write it. One model turn of waiting buys every later part a read.
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
          return await model.send(request, onText);
        } finally {
          open();
        }
      },
    },
    opened,
    open,
  };
}
