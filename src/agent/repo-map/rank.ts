import type { FileTags } from "./tags.js";

export interface RankInput {
  /** Paths, in a fixed order (the result follows it for ties). */
  paths: string[];
  /** The tags of the files that were parsed, by path. */
  tags: ReadonlyMap<string, FileTags>;
  /** Personalisation weight per path (missing: none). */
  boost: ReadonlyMap<string, number>;
  /** Identifiers the request mentions (lower case): edges through them weigh more. */
  mentioned: ReadonlySet<string>;
}

/**
 * Ranks files the way aider does: file A links to file B for every name A uses that B defines (weighted by how
 * often, damped for private, short and widely defined names), and PageRank with a personalisation towards the
 * boosted files scores them. Returns one score per path, in `paths` order.
 */
export function rankFiles({ paths, tags, boost, mentioned }: RankInput): number[] {
  const index = new Map(paths.map((p, i) => [p, i]));
  const definers = new Map<string, number[]>();
  for (const [path, t] of tags) {
    const i = index.get(path);
    if (i === undefined) continue;
    for (const name of new Set(t.defs.map((d) => d.name))) {
      const list = definers.get(name);
      if (list) list.push(i);
      else definers.set(name, [i]);
    }
  }
  const edges = paths.map(() => new Map<number, number>());
  for (const [path, t] of tags) {
    const from = index.get(path);
    if (from === undefined) continue;
    for (const [name, count] of t.refs) {
      const targets = definers.get(name);
      if (!targets) continue;
      const weight = nameWeight(name, targets.length, mentioned) * Math.sqrt(count);
      for (const to of targets) {
        if (to === from) continue;
        const out = edges[from]!;
        out.set(to, (out.get(to) ?? 0) + weight);
      }
    }
  }
  const personal = paths.map((p) => 1 + (boost.get(p) ?? 0));
  return pageRank(edges, personal);
}

function nameWeight(name: string, definedIn: number, mentioned: ReadonlySet<string>): number {
  let w = 1;
  if (mentioned.has(name.toLowerCase())) w *= 10;
  if (name.startsWith("_") || name.startsWith("#")) w *= 0.1;
  if (name.length < 3) w *= 0.1;
  if (definedIn > 5) w *= 0.1;
  return w;
}

/** Power iteration of personalised PageRank over weighted edges; dangling nodes give back to the personalisation. */
export function pageRank(edges: ReadonlyMap<number, number>[], personal: number[], damping = 0.85): number[] {
  const n = personal.length;
  if (n === 0) return [];
  const total = personal.reduce((a, b) => a + b, 0);
  const p = personal.map((x) => x / total);
  const outWeight = edges.map((out) => [...out.values()].reduce((a, b) => a + b, 0));
  let rank = [...p];
  for (let iter = 0; iter < 100; iter++) {
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outWeight[i] === 0) dangling += rank[i]!;
    const next = p.map((pi) => (1 - damping + damping * dangling) * pi);
    for (let i = 0; i < n; i++) {
      const w = outWeight[i]!;
      if (w === 0) continue;
      const share = (damping * rank[i]!) / w;
      for (const [j, ew] of edges[i]!) next[j]! += share * ew;
    }
    let delta = 0;
    for (let i = 0; i < n; i++) delta += Math.abs(next[i]! - rank[i]!);
    rank = next;
    if (delta < 1e-10) break;
  }
  return rank;
}
