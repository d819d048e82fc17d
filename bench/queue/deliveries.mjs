// Deliveries for `npm run bench:queue`: `issue_comment.created` mentions built from GitHub's own example
// payload (as bench/ingress does), each one a distinct request from a person with write permission, in
// its own repository and installation, so it starts exactly one run. Among the `count` deliveries, a share
// are exact duplicates (the same delivery id and body, sent at the same moment as the first) and a share
// are redeliveries (the same delivery id and body, sent `redeliverAfterMs` later, as GitHub's "Redeliver").
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { example, prng, sign } from "../ingress/deliveries.mjs";

/** The request each mention makes: `approve` (no plan on the thread: refused at once) or a question. */
export const RUN_TEXT = {
  approve: (tag) => `@patchwright approve [${tag}]`,
  answer: (tag) => `@patchwright why does X fail? [${tag}]`,
};

/**
 * One signed mention: its comment, thread, repository (`bench-<n>/hello`, default branch main) and
 * installation (`installationBase + n`) are its own. Returns { kind, id, event, body, signature, trigger, tag }.
 */
export function mention({ n, tag, text, secret, commentIdBase, installationBase }) {
  const payload = JSON.parse(JSON.stringify(example("issue_comment", "created")));
  const commentId = commentIdBase + n;
  const owner = `bench-${n}`;
  payload.repository.name = "hello";
  payload.repository.full_name = `${owner}/hello`;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = "main";
  payload.issue.number = 1;
  payload.issue.pull_request = undefined;
  payload.comment.id = commentId;
  payload.comment.body = text(tag);
  payload.comment.created_at = new Date().toISOString();
  payload.comment.updated_at = payload.comment.created_at;
  payload.comment.html_url = `https://github.com/${owner}/hello/issues/1#issuecomment-${commentId}`;
  payload.installation = { id: installationBase + n };
  const body = Buffer.from(JSON.stringify(payload));
  return {
    kind: "mention",
    id: randomUUID(),
    event: "issue_comment",
    body,
    signature: sign(body, secret),
    trigger: `issue_comment:${commentId}`,
    tag,
  };
}

/**
 * `count` deliveries over `count / rate` seconds: `count − duplicates − redeliveries` distinct mentions at
 * even intervals, a seeded `duplicates` share of them sent twice at the same moment, and a seeded
 * `redeliveries` share sent again `redeliverAfterMs` later (chosen among the mentions early enough for the
 * redelivery to fall inside the span when it is long enough). Sorted by `atMs`.
 * Returns { deliveries, distinct: [mention], duplicates, redeliveries }.
 */
export function buildSequence({
  count,
  rate,
  duplicateShare,
  redeliveryShare,
  redeliverAfterMs,
  seed,
  ...m
}) {
  const random = prng(seed);
  const duplicates = Math.round(count * duplicateShare);
  const redeliveries = Math.round(count * redeliveryShare);
  const distinctCount = count - duplicates - redeliveries;
  if (distinctCount < 1 || duplicates + redeliveries > distinctCount)
    throw new Error("too many duplicates and redeliveries for the number of deliveries");
  const spanMs = (count / rate) * 1000;
  const step = spanMs / distinctCount;
  const distinct = [];
  for (let n = 0; n < distinctCount; n++) {
    distinct.push({ ...mention({ ...m, n, tag: `q-${m.tagPrefix}-${n}` }), atMs: n * step });
  }
  const pick = (pool, k) => {
    const chosen = new Set();
    while (chosen.size < k) chosen.add(pool[Math.floor(random() * pool.length)]);
    return [...chosen];
  };
  const all = distinct.map((_, n) => n);
  const early = all.filter((n) => distinct[n].atMs + redeliverAfterMs <= spanMs);
  const redelivered = pick(early.length >= redeliveries ? early : all, redeliveries);
  const duplicated = pick(all, duplicates);
  const out = [...distinct];
  for (const n of duplicated) out.push({ ...distinct[n], kind: "duplicate" });
  for (const n of redelivered)
    out.push({ ...distinct[n], kind: "redelivery", atMs: distinct[n].atMs + redeliverAfterMs });
  // Stable: a duplicate goes right after its first copy.
  out.sort((a, b) => a.atMs - b.atMs);
  return { deliveries: out, distinct, duplicates, redeliveries };
}
