/** A branch-name part from free text: its first words, lower-case, joined by dashes, at most 40 characters. */
export function slug(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .slice(0, 6)
    .join("-");
  return words.slice(0, 40).replace(/-+$/, "") || "run";
}
