// The local model of `npm run bench:review`: a ModelClient that answers at once. As a reviewer it reads the
// diff it was sent and reports plausible findings, some on the cited lines, some a few lines off (moved
// onto the diff), some far off or in files the diff does not touch (kept for the summary), plus nits and
// praise (dropped under the default profile); as the scorer it scores them. Usage is the estimated size
// of what it was sent and what it answers, so the figures are tokens patchwright would pay for.

const REPORT_TOOL = "report_findings";
const SCORE_TOOL = "score_findings";

/** Files, their hunks' new-side ranges and added lines, from a rendered chunk. */
function readDiff(text) {
  const files = [];
  let file;
  for (const row of text.slice(text.indexOf("The diff:")).split("\n")) {
    const header = /^### (\S+) \(/.exec(row);
    if (header) {
      file = { path: header[1], hunks: [], added: [] };
      files.push(file);
      continue;
    }
    const hunk = /^@@ -\d+,\d+ \+(\d+),(\d+) @@/.exec(row);
    if (hunk && file) file.hunks.push({ start: Number(hunk[1]), end: Number(hunk[1]) + Number(hunk[2]) - 1 });
    const added = /^\s*(\d+) \+ (.*)$/.exec(row);
    if (added && file) file.added.push({ line: Number(added[1]), text: added[2] });
  }
  return files;
}

const hash = (s) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);

function findingsFor(files, kinds) {
  const findings = [];
  for (const f of files) {
    const h = hash(f.path);
    const last = f.hunks.at(-1);
    const at = f.added[Math.min(2, f.added.length - 1)];
    if (!at || !last) continue;
    const base = {
      path: f.path,
      category: "bug",
      body: "The value can exceed the range the callers expect; check it first.",
    };
    if (h % 7 === 0) {
      findings.push({ ...base, line: at.line, severity: "major", title: `Unchecked value in ${f.path}` });
      kinds.exact++;
    }
    if (h % 11 === 0 && f.added.length > 3) {
      const first = f.added[0];
      const second = f.added[1];
      if (second.line === first.line + 1) {
        findings.push({
          ...base,
          startLine: first.line,
          line: second.line,
          severity: "minor",
          title: `Rounding drift in ${f.path}`,
          suggestion: `${first.text}\n${second.text}`,
        });
        kinds.range++;
      }
    }
    if (h % 13 === 0) {
      findings.push({
        ...base,
        line: last.end + 2,
        severity: "minor",
        title: `Missing guard after ${f.path}`,
      });
      kinds.near++;
    }
    if (h % 17 === 0) {
      findings.push({ ...base, line: last.end + 60, severity: "minor", title: `Stale comment in ${f.path}` });
      kinds.far++;
    }
    if (h % 19 === 0) {
      findings.push({
        ...base,
        line: at.line,
        severity: "nit",
        category: "style",
        title: `Name the constant in ${f.path}`,
      });
      kinds.nit++;
    }
    if (h % 23 === 0) {
      findings.push({
        ...base,
        line: at.line,
        severity: "minor",
        title: "Looks good",
        body: "Nice change, no action needed.",
      });
      kinds.praise++;
    }
  }
  findings.push({
    path: "src/not-in-this-pr.ts",
    line: 10,
    severity: "major",
    category: "bug",
    title: `A caller elsewhere breaks (${files[0]?.path})`,
    body: "A caller outside the diff passes strings.",
  });
  kinds.otherFile++;
  return findings;
}

/**
 * `cache`: bench/context's prompt-cache model, and `toApiBody`: the request body the Anthropic client
 * would send, cache breakpoints included. Each reviewer request is priced against the cache as it
 * arrives. The model answers at once, so the cache cannot show requests sent together missing each
 * other's writes: that the reviewers after the first wait for its answer is shown by
 * test/review/shared-prefix.test.ts.
 */
export function fakeModel({ estimateTokens, cache, toApiBody }) {
  const stats = {
    reviewerCalls: 0,
    scoringCalls: 0,
    inputTokens: 0,
    /** Per reviewer request, in arrival order: its usage under the cache model. */
    reviewerCache: [],
    diffTokens: [],
    kinds: { exact: 0, range: 0, near: 0, far: 0, nit: 0, praise: 0, otherFile: 0 },
  };
  const answer = (request, content) => {
    const usage = {
      inputTokens: estimateTokens(
        JSON.stringify({ system: request.system, tools: request.tools, messages: request.messages }),
      ),
      outputTokens: estimateTokens(JSON.stringify(content)),
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    };
    stats.inputTokens += usage.inputTokens;
    return { model: request.model, content, stopReason: "tool_use", usage };
  };
  const client = {
    send(request) {
      if (request.tools.some((t) => t.name === SCORE_TOOL)) {
        stats.scoringCalls++;
        const count = String(request.messages[0].content).match(/^## Finding \d+/gm)?.length ?? 0;
        const scores = Array.from({ length: count }, (_, i) => ({
          index: i + 1,
          score: i % 5 === 4 ? 3 : 8,
          reason: "plausible",
        }));
        return Promise.resolve(
          answer(request, [{ type: "tool_use", id: "toolu_score", name: SCORE_TOOL, input: { scores } }]),
        );
      }
      stats.reviewerCalls++;
      stats.reviewerCache.push(cache.account(toApiBody(request)).usage);
      const text = String(request.messages[0].content);
      stats.diffTokens.push(estimateTokens(text.slice(text.indexOf("The diff:"))));
      const files = readDiff(text);
      const report = {
        summary: `Rewrites the step functions of ${files.length} files.`,
        files: files.map((f) => ({ path: f.path, note: `Rewrites ${f.added.length} lines.` })),
        findings: findingsFor(files, stats.kinds),
      };
      return Promise.resolve(
        answer(request, [
          { type: "tool_use", id: `toolu_${stats.reviewerCalls}`, name: REPORT_TOOL, input: report },
        ]),
      );
    },
  };
  return { client, stats };
}
