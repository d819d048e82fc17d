// Scores a tool's findings against truth.json. Findings are reduced to distinct (path, line) locations.
// A location inside a planted secret's lines finds that secret (true positive); any other location is a
// false positive, attributed to the negative kind tagged on that line or to "unlabelled".
// The secretlint subset keeps only secrets of kinds its recommended preset covers; locations on the other
// planted secrets are then ignored (neither true nor false positives).

const ratio = (a, b) => (b === 0 ? 0 : a / b);
const f1 = (p, r) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

export function score(findings, truth) {
  const byPath = new Map();
  truth.secrets.forEach((s, id) => {
    const list = byPath.get(s.path) ?? [];
    list.push({ ...s, id, end: s.endLine ?? s.line });
    byPath.set(s.path, list);
  });
  const negAt = new Map(truth.negatives.map((n) => [`${n.path}:${n.line}`, n.kind]));

  const locations = new Map(); // "path:line" -> { path, line, rules:Set, secret?, negKind? }
  for (const f of findings) {
    const key = `${f.path}:${f.line}`;
    let loc = locations.get(key);
    if (!loc) {
      const secret = (byPath.get(f.path) ?? []).find((s) => f.line >= s.line && f.line <= s.end);
      loc = {
        path: f.path,
        line: f.line,
        rules: new Set(),
        secret,
        negKind: secret ? undefined : (negAt.get(key) ?? "unlabelled"),
      };
      locations.set(key, loc);
    }
    loc.rules.add(f.rule);
  }
  const locs = [...locations.values()];
  const fps = locs.filter((l) => !l.secret);

  const measure = (inScope) => {
    const secrets = truth.secrets.filter((s) => inScope(s.kind));
    const tpLocs = locs.filter((l) => l.secret && inScope(l.secret.kind));
    const found = new Set(tpLocs.map((l) => l.secret.id));
    const recall = ratio(found.size, secrets.length);
    const precision = ratio(tpLocs.length, tpLocs.length + fps.length);
    return {
      secrets: secrets.length,
      found: found.size,
      truePositiveLocations: tpLocs.length,
      falsePositiveLocations: fps.length,
      recall,
      precision,
      f1: f1(precision, recall),
    };
  };
  const overall = measure(() => true);
  const secretlintSubset = measure((kind) => truth.kinds[kind]?.secretlint);

  const foundIds = new Set(locs.filter((l) => l.secret).map((l) => l.secret.id));
  const perKind = {};
  truth.secrets.forEach((s, id) => {
    const k = (perKind[s.kind] ??= { total: 0, found: 0, missed: [] });
    k.total++;
    if (foundIds.has(id)) k.found++;
    else k.missed.push(`${s.path}:${s.line}`);
  });

  const falsePositives = {};
  for (const l of fps) {
    const k = (falsePositives[l.negKind] ??= { count: 0, rules: {}, examples: [] });
    k.count++;
    for (const r of l.rules) k.rules[r] = (k.rules[r] ?? 0) + 1;
    if (k.examples.length < 8) k.examples.push(`${l.path}:${l.line} (${[...l.rules].join(", ")})`);
  }
  return {
    findings: findings.length,
    locations: locs.length,
    overall,
    secretlintSubset,
    perKind,
    falsePositives,
  };
}
