/**
 * Text written by others is data, not instructions. Before patchwright reads a comment it removes what a
 * reader of the rendered comment cannot see: invisible characters, HTML comments, image alt text and the
 * titles of link reference definitions. Everything a reader can see is kept, including the content of
 * `<details>` blocks (visible once opened).
 *
 * The function is deliberately unaware of Markdown code: an HTML comment or an image inside a code block is
 * removed too. Losing a little visible text is the safe direction.
 */

/**
 * Invisible characters: every Default_Ignorable_Code_Point (zero-width characters, bidirectional controls,
 * U+2060–U+206F, the soft hyphen, variation selectors, Hangul fillers, U+FEFF, the tag block
 * U+E0000–U+E0FFF) and every other format character (Cf, e.g. U+FFF9–U+FFFB). The Arabic and Syriac
 * "prepended concatenation marks" are Cf but are drawn, so they stay.
 */
const INVISIBLE =
  /(?![\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}])[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** The alt attribute of an HTML `<img>` tag. */
const IMG_TAG = /<img\b(?:[^<>"']|"[^"]*"|'[^']*')*>/gi;
const ALT_ATTRIBUTE = /(\salt\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)/gi;

/**
 * A link reference definition `[label]: destination "title"`: the whole line is invisible when rendered;
 * `[//]: # (text)` is a common way to hide a comment in Markdown. The title is dropped, label and
 * destination are kept (the visible text refers to them).
 */
const LINK_DEFINITION =
  /^( {0,3}\[(?:[^\]\\\n]|\\.){1,999}\]:[ \t]*(?:<[^>\n]*>|\S+))(?:[ \t]+|[ \t]*\n[ \t]*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))[ \t]*$/gm;

export function sanitizeUserText(text: string): string {
  let s = text.replace(/\r\n?/g, "\n");
  // Invisible characters first, so that none of them can split a `<!--` and keep a comment alive.
  s = s.replace(INVISIBLE, "");
  s = removeHtmlComments(s);
  s = removeImageAltText(s);
  s = s.replace(IMG_TAG, (tag) => tag.replace(ALT_ATTRIBUTE, '$1""'));
  s = s.replace(LINK_DEFINITION, "$1");
  return s;
}

/**
 * `<!-- ... -->`; an unterminated comment runs to the end, and `<!-->` does not close (the safe side).
 * Removing a comment can join the parts of another opener (`<!<!-- x -->--`): the result never contains
 * `<!--`, in one pass.
 */
function removeHtmlComments(s: string): string {
  let out = "";
  let i = 0;
  let removed = false;
  for (;;) {
    let bodyStart: number;
    const tail = removed ? out.slice(-3) : "";
    const joined = (tail + s.slice(i, i + 3)).indexOf("<!--");
    if (joined >= 0 && joined < tail.length) {
      out = out.slice(0, out.length - tail.length + joined);
      bodyStart = i + 4 - (tail.length - joined);
    } else {
      const open = s.indexOf("<!--", i);
      if (open < 0) return out + s.slice(i);
      out += s.slice(i, open);
      bodyStart = open + 4;
    }
    const close = s.indexOf("-->", bodyStart);
    if (close < 0) return out;
    i = close + 3;
    removed = true;
  }
}

/** `![alt](url)`, `![alt][ref]`, `![alt][]` → `![](url)` ...; nested brackets and escapes are honoured. */
function removeImageAltText(s: string): string {
  const closing = matchingBrackets(s);
  let out = "";
  let from = 0;
  for (let at = s.indexOf("!["); at >= 0; at = s.indexOf("![", at + 2)) {
    if (at < from || isEscaped(s, at)) continue;
    const close = closing.get(at + 1);
    const next = close === undefined ? undefined : s[close + 1];
    if (close !== undefined && (next === "(" || next === "[")) {
      out += s.slice(from, at) + "![";
      from = close;
    }
  }
  return out + s.slice(from);
}

/** For each `[`, the index of its matching `]`, in one pass; brackets do not pair across a blank line. */
function matchingBrackets(s: string): Map<number, number> {
  const closing = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "[") open.push(i);
    else if (c === "]") {
      const o = open.pop();
      if (o !== undefined) closing.set(o, i);
    } else if (c === "\n") {
      const end = s.indexOf("\n", i + 1);
      if (s.slice(i + 1, end < 0 ? s.length : end).trim() === "") open.length = 0;
    }
  }
  return closing;
}

function isEscaped(s: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && s[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}
