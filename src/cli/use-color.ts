/**
 * Whether text output is coloured. `--no-color` always wins; then FORCE_COLOR (colour even into a pipe, as
 * CI logs want; "0" or "false" turns it off), which Node also ranks above NO_COLOR; then NO_COLOR (any
 * non-empty value, per no-color.org); else colour only on a terminal.
 */
export function useColor(
  flag: boolean,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (!flag) return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env["NO_COLOR"]) return false;
  return isTTY;
}
