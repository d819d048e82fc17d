import type { z } from "zod";

/**
 * Our hidden markers (`<!-- patchwright:KIND PAYLOAD -->`) carry state between runs, so text we did not
 * write must never forge one. Comments already on GitHub carry them: the bytes written and read here must
 * not change.
 */

const MARKER_START = /<!--(\s*)patchwright:/gi;

/** Model or user text with any marker defused, so quoting one cannot plant state in our comments. */
export function neutraliseMarkers(text: string): string {
  return text.replace(MARKER_START, "<!--$1patchwright&#58;");
}

const TRAILING_MARKERS = /(?:\s*<!-- patchwright:[a-z]+ [^\n]*? -->)+\s*$/;

/** The markers of any kind a body ends with, whitespace between them included; undefined if none. */
export function trailingMarkers(body: string): string | undefined {
  return TRAILING_MARKERS.exec(body)?.[0];
}

export interface HiddenMarker<T> {
  render(payload: T): string;
  /** The payload, if the marker is where its kind is looked for and its payload checks out. */
  read(body: string | null | undefined): T | undefined;
  /** The body with the marker taken out. */
  strip(body: string): string;
}

export interface MarkerFormat<S extends z.ZodType> {
  kind: string;
  payload: S;
  /**
   * `json`: the payload as JSON, `<` and `>` escaped so no text inside can close the comment or open a
   * new one. `text`: the payload as it is, a string matching `pattern` (which must exclude `-->`).
   */
  encoding: { as: "json" } | { as: "text"; pattern: string };
  /** `end`: only a marker the body ends with counts, so one quoted earlier in the text does not. */
  place: "anywhere" | "end";
}

/** The one codec for every kind of marker we write. */
export function hiddenMarker<S extends z.ZodType>(format: MarkerFormat<S>): HiddenMarker<z.output<S>> {
  if (!/^[a-z]+$/.test(format.kind)) throw new Error(`a marker kind is a lowercase word: ${format.kind}`);
  const json = format.encoding.as === "json";
  const payload = format.encoding.as === "json" ? "\\{[^\\n]*?\\}" : format.encoding.pattern;
  const pattern = new RegExp(
    `<!-- patchwright:${format.kind} (${payload}) -->${format.place === "end" ? "\\s*$" : ""}`,
  );
  return {
    render(value) {
      const checked = format.payload.parse(value);
      const text = json
        ? JSON.stringify(checked).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")
        : String(checked);
      return `<!-- patchwright:${format.kind} ${text} -->`;
    },
    read(body) {
      const m = pattern.exec(body ?? "");
      if (!m) return undefined;
      try {
        return format.payload.safeParse(json ? JSON.parse(m[1]!) : m[1]).data;
      } catch {
        return undefined;
      }
    },
    strip: (body) => body.replace(pattern, ""),
  };
}
