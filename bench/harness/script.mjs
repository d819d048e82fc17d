// The scripted model for `npm run bench:harness`: what the fake model answers on turn N of a session of
// `turns` turns. Every turn but the last asks for tools with large outputs (the big file viewed whole,
// `seq` printing ~200 KB, `cat` of the big file, greps over the tree, globs) or small edits (str_replace
// of a unique line, a different module each time); every fifth turn asks for two tools at once. The last
// turn is plain text with stop_reason end_turn. Inputs differ from turn to turn, so the loop detector
// never fires.
import { BIG_FILE, BIG_FILE_LINES, moduleAt } from "./repo.mjs";

const EDITOR = "str_replace_based_edit_tool";

/** The tool calls of turn `turn` (1-based), by a fixed rotation. */
function callsFor(turn) {
  const k = turn % 8;
  const calls = [];
  switch (k) {
    case 0:
      calls.push({
        name: EDITOR,
        input: { command: "view", path: BIG_FILE, view_range: [turn, BIG_FILE_LINES] },
      });
      break;
    case 1:
      calls.push({ name: "bash", input: { command: `seq ${turn} ${40_000 + turn}` } });
      break;
    case 2:
      calls.push({ name: "grep", input: { pattern: `step${turn % 6}_\\d+`, glob: "*.ts" } });
      break;
    case 3: {
      const m = moduleAt(turn * 7);
      const edited = m.limitLine.replace(
        / = (\d+);$/,
        (_, n) => ` = ${Number(n) + 1}; // raised on turn ${turn}`,
      );
      calls.push({
        name: EDITOR,
        input: { command: "str_replace", path: m.path, old_str: m.limitLine, new_str: edited },
      });
      break;
    }
    case 4:
      calls.push({ name: "glob", input: { pattern: turn % 16 === 4 ? "**/*.ts" : "src/**/mod0*.ts" } });
      break;
    case 5:
      calls.push({ name: "bash", input: { command: `cat ${BIG_FILE} | head -n ${BIG_FILE_LINES - turn}` } });
      break;
    case 6:
      calls.push({ name: "grep", input: { pattern: "TODO\\(bench\\)", max_results: 400 + turn } });
      break;
    case 7:
      calls.push({
        name: EDITOR,
        input: { command: "view", path: turn % 16 === 7 ? "src" : moduleAt(turn).path },
      });
      break;
  }
  if (turn % 5 === 0)
    calls.push({ name: "bash", input: { command: `wc -l ${moduleAt(turn).path} ${BIG_FILE}` } });
  return calls;
}

/** { text, calls } for turn `turn` of `turns`; calls is empty on the last turn. */
export function planTurn(turn, turns) {
  if (turn >= turns) {
    return {
      text: `Done after ${turn} turns: the limits were raised in the edited modules and the table was reviewed.`,
      calls: [],
    };
  }
  const calls = callsFor(turn).map((c, i) => ({ ...c, id: `toolu_bench_${turn}_${i}` }));
  return { text: turn % 3 === 0 ? `Turn ${turn}: looking at ${calls[0].name} output next.` : "", calls };
}
