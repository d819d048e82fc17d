/**
 * HTML elements whose content is not the commenter speaking: quotations (`blockquote`, `q`, `cite`), code
 * and literal output (`code`, `pre`, `kbd`, `samp`, `tt`, `var`, `xmp`, `listing`, `plaintext`), link text
 * (`a`), struck-out text (`s`, `strike`, `del`), tables, collapsed `<details>` (with its `<summary>`) and
 * elements GitHub does not render (`script`, `style`, `textarea`, `template`, `iframe`, ...).
 *
 * `<details>` is excluded although its content is the commenter's: it is where logs, transcripts and earlier
 * comments are pasted, and it is closed by default, so a reader of the thread does not see a request there.
 */
export const UNSPOKEN_ELEMENTS: ReadonlySet<string> = new Set([
  "a",
  "blockquote",
  "caption",
  "cite",
  "code",
  "del",
  "details",
  "iframe",
  "kbd",
  "listing",
  "math",
  "noembed",
  "noframes",
  "noscript",
  "object",
  "plaintext",
  "pre",
  "q",
  "s",
  "samp",
  "script",
  "select",
  "strike",
  "style",
  "summary",
  "svg",
  "table",
  "td",
  "template",
  "textarea",
  "th",
  "title",
  "tt",
  "var",
  "xmp",
]);

export type HtmlPiece =
  | { kind: "open" | "close"; name: string; from: number; to: number }
  | { kind: "text"; from: number; to: number };

/**
 * A start tag, an end tag, or something else in angle brackets (`<!DOCTYPE>`, `<?x?>`, CDATA) that is
 * neither a tag nor text. `[^<>]*` keeps the scan linear; a `>` inside a quoted attribute value ends the
 * tag early, which at worst shows a little attribute text as text.
 */
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*?(\/?)>|<[!?][^<>]*>/g;

/** Splits raw HTML (an mdast `html` node's value) into tags and the text between them, in order. */
export function htmlPieces(html: string): HtmlPiece[] {
  const pieces: HtmlPiece[] = [];
  let at = 0;
  for (const m of html.matchAll(TAG)) {
    if (m.index > at) pieces.push({ kind: "text", from: at, to: m.index });
    const name = m[2];
    const end = m.index + m[0].length;
    // A self-closing tag (`<kbd/>`) opens nothing.
    if (name !== undefined && m[3] !== "/") {
      pieces.push({
        kind: m[1] === "/" ? "close" : "open",
        name: name.toLowerCase(),
        from: m.index,
        to: end,
      });
    }
    at = end;
  }
  if (at < html.length) pieces.push({ kind: "text", from: at, to: html.length });
  return pieces;
}
