// Formats the benchmark result as Markdown: the main table (speed, memory, accuracy), accuracy on the
// formats secretlint's preset covers, recall per kind, false positives per negative kind, adversarial times.

const pct = (x) => (x === undefined || Number.isNaN(x) ? "–" : (100 * x).toFixed(1) + "%");
const num = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? "–" : x.toFixed(d));

function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export function markdown(result) {
  const tools = Object.keys(result.tools);
  const slowest = Math.max(...tools.map((t) => result.tools[t].medianSeconds));
  const out = [];
  const m = result.corpus;
  out.push(
    `Corpus: ${m.files} files, ${(m.bytes / 1e6).toFixed(1)} MB, ${m.secrets} planted secrets, ${m.plantedNegatives} planted negatives (seed ${m.seed}, digest ${m.digest.slice(0, 12)}). Rounds: ${result.rounds}, Node ${result.node}.`,
  );
  out.push("");
  out.push(
    table(
      ["tool", "median s", "MB/s", "peak RSS MiB", "recall", "precision", "F1", "speed ratio"],
      tools.map((t) => {
        const r = result.tools[t];
        return [
          t,
          num(r.medianSeconds),
          num(r.mbPerSecond, 1),
          num(r.peakRssMiB, 0),
          pct(r.score.overall.recall),
          pct(r.score.overall.precision),
          pct(r.score.overall.f1),
          num(slowest / r.medianSeconds, 1) + "×",
        ];
      }),
    ),
  );
  out.push("");
  out.push("Formats secretlint's recommended preset covers:");
  out.push("");
  out.push(
    table(
      ["tool", "secrets", "found", "recall", "precision", "F1"],
      tools.map((t) => {
        const s = result.tools[t].score.secretlintSubset;
        return [t, s.secrets, s.found, pct(s.recall), pct(s.precision), pct(s.f1)];
      }),
    ),
  );
  out.push("");
  const kinds = Object.keys(result.kinds);
  out.push(
    table(
      ["kind", "in preset", ...tools],
      kinds.map((k) => [
        k,
        result.kinds[k]?.secretlint ? "yes" : "no",
        ...tools.map((t) => {
          const p = result.tools[t].score.perKind[k];
          return `${p.found}/${p.total}`;
        }),
      ]),
    ),
  );
  out.push("");
  const fpKinds = [
    ...new Set(tools.flatMap((t) => Object.keys(result.tools[t].score.falsePositives))),
  ].sort();
  out.push("False positives by negative kind (distinct lines):");
  out.push("");
  out.push(
    fpKinds.length
      ? table(
          ["negative kind", ...tools],
          fpKinds.map((k) => [k, ...tools.map((t) => result.tools[t].score.falsePositives[k]?.count ?? 0)]),
        )
      : "none",
  );
  if (result.adversarial) {
    out.push("");
    out.push("Adversarial 1 MB lines, patchwright alone:");
    out.push("");
    out.push(
      table(
        ["case", "wall s", "scan ms (stats)", "findings"],
        result.adversarial.map((a) => [
          a.name,
          a.timedOut ? "TIMEOUT" : num(a.seconds),
          a.scanMs ?? "–",
          a.findings,
        ]),
      ),
    );
  }
  return out.join("\n");
}

/** The ratios the speed goals are stated in, tiny files, start-up and the adversarial limit. */
export function speedMarkdown(result) {
  const out = [""];
  const r = result.tools;
  const ratio = (peer) =>
    r.patchwright && r[peer] ? num(r[peer].medianSeconds / r.patchwright.medianSeconds, 1) + "×" : "–";
  out.push(
    table(
      ["comparison (main corpus, median wall time)", "patchwright is faster by"],
      [
        ["against secretlint with its profiler off", ratio("secretlint-no-profiler")],
        ["against secretlint as installed", ratio("secretlint")],
      ],
    ),
  );
  if (result.tiny) {
    const tools = Object.keys(result.tiny);
    const p = result.tiny.patchwright;
    out.push("", "5,000 tiny files (median wall time per tool, same rounds, alternating):", "");
    out.push(
      table(
        ["tool", "median s", "peak RSS MiB", "findings", "patchwright is faster by"],
        tools.map((t) => [
          t,
          num(result.tiny[t].medianSeconds),
          num(result.tiny[t].peakRssMiB, 0),
          result.tiny[t].findings,
          p ? num(result.tiny[t].medianSeconds / p.medianSeconds, 1) + "×" : "–",
        ]),
      ),
    );
  }
  if (result.startup) {
    const s = result.startup;
    out.push(
      "",
      `Start-up: \`node -e ""\` ${num(s.nodeMedianSeconds * 1000, 0)} ms, \`patchwright scan\` on an empty folder ` +
        `${num(s.scanMedianSeconds * 1000, 0)} ms (medians): ${num(s.addedMs, 0)} ms more (goal: 150 ms).`,
    );
  }
  if (result.adversarial) {
    const slow = result.adversarial.filter((a) => a.timedOut || a.seconds >= 1);
    out.push(
      "",
      slow.length
        ? `Adversarial inputs at 1 s or more: ${slow.map((a) => `${a.name} ${num(a.seconds)} s`).join(", ")}.`
        : "Every adversarial input took under 1 s, start-up included.",
    );
  }
  return out.join("\n") + "\n";
}
