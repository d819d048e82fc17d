/** Markdown helpers for text we do not control (model output, paths): it must not break our layout. */

function longestRun(text: string, char: "`" | "~"): number {
  const runs = text.match(char === "`" ? /`+/g : /~+/g) ?? [];
  return Math.max(0, ...runs.map((r) => r.length));
}

/** A fenced block whose fence is longer than any backtick run inside, so the text cannot close it. */
export function fenced(text: string, info = ""): string {
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  // An empty block stays empty: an empty suggestion deletes the lines.
  return text === "" ? `${fence}${info}\n${fence}` : `${fence}${info}\n${text.replace(/\n$/, "")}\n${fence}`;
}

/** Inline code that survives backticks in the text. */
export function inlineCode(text: string): string {
  const ticks = "`".repeat(longestRun(text, "`") + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** One line of model text: no line breaks that would end a list item or heading. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
