// Webhook deliveries for `npm run bench:ingress`, built from GitHub's real example payloads in
// @octokit/webhooks-examples: a seeded mix of `issue_comment.created` mentioning @patchwright (each with its
// own comment id, so none is a duplicate), `pull_request.synchronize`, and events that request nothing.
// Bodies and their X-Hub-Signature-256 are computed up front so the load generator only sends.
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const EXAMPLES_FILE = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");

/** Events that request nothing of the App: it classifies them and makes no API call. */
const QUIET = [
  ["push", undefined],
  ["check_suite", "completed"],
  ["workflow_job", "completed"],
  ["issues", "edited"],
  ["star", "created"],
  ["issue_comment", "edited"],
];

let examples;
const clone = (value) => JSON.parse(JSON.stringify(value));
export function example(name, action) {
  examples ??= JSON.parse(readFileSync(EXAMPLES_FILE, "utf8"));
  const group = examples.find((e) => e.name === name);
  const found = group?.examples.find((x) => (action === undefined ? !("action" in x) : x.action === action));
  if (!found)
    throw new Error(`@octokit/webhooks-examples has no ${name}${action ? `.${action}` : ""} example`);
  return found;
}

/** A small seeded PRNG (mulberry32), so every run sends the same sequence. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sign(body, secret) {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * `count` deliveries: a `mention` share, a `synchronize` share, the rest quiet. Comment ids start at
 * `commentIdBase`, so they are unique across rates. Returns [{ kind, event, body: Buffer, signature }].
 */
export function buildDeliveries({ count, seed, secret, mention, synchronize, commentIdBase }) {
  const random = prng(seed);
  const mentionExample = example("issue_comment", "created");
  const syncExample = example("pull_request", "synchronize");
  const out = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    let kind;
    let event;
    let payload;
    if (r < mention) {
      kind = "mention";
      event = "issue_comment";
      payload = clone(mentionExample);
      const number = 1 + (i % 50);
      payload.issue.number = number;
      payload.comment.id = commentIdBase + i;
      payload.comment.body = "@patchwright why does X fail?";
      payload.comment.created_at = new Date().toISOString();
      payload.comment.html_url = `https://github.com/Codertocat/Hello-World/issues/${number}#issuecomment-${commentIdBase + i}`;
    } else if (r < mention + synchronize) {
      kind = "synchronize";
      event = "pull_request";
      payload = clone(syncExample);
    } else {
      const [name, action] = QUIET[Math.floor(random() * QUIET.length)];
      kind = "quiet";
      event = name;
      payload = clone(example(name, action));
    }
    payload.installation = { id: 1 };
    const body = Buffer.from(JSON.stringify(payload));
    out.push({ kind, event, body, signature: sign(body, secret) });
  }
  return out;
}

/** Quiet deliveries to warm a server up (JIT, first connections) before it is measured. */
export function buildWarmup(count, secret) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const [name, action] = QUIET[i % QUIET.length];
    const payload = { ...example(name, action), installation: { id: 1 } };
    const body = Buffer.from(JSON.stringify(payload));
    out.push({ kind: "warmup", event: name, body, signature: sign(body, secret) });
  }
  return out;
}
