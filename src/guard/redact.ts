/**
 * What may be shown of a matched secret or term: at most its first 4 characters (fewer for short values,
 * so a short term is never mostly revealed) and its length.
 */
export function redact(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}…(${value.length} chars)`;
}
