/**
 * Our hidden markers (`<!-- patchwright:... -->`) carry state between runs, so text we did not write
 * must never forge one.
 */

const MARKER_START = /<!--(\s*)patchwright:/gi;

/** Model or user text with any marker defused, so quoting one cannot plant state in our comments. */
export function neutraliseMarkers(text: string): string {
  return text.replace(MARKER_START, "<!--$1patchwright&#58;");
}
