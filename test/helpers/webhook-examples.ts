import { createRequire } from "node:module";

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const sets = require("@octokit/webhooks-examples/api.github.com/index.json") as ExampleSet[];

/** A real webhook payload from @octokit/webhooks-examples (deep-copied, so a test may edit it). */
export function webhookExample(
  event: string,
  match: (payload: Record<string, unknown>) => boolean = () => true,
) {
  const set = sets.find((s) => s.name === event);
  const example = set?.examples.find(match);
  if (!example) throw new Error(`no ${event} example matches`);
  return structuredClone(example);
}
