import { describe, expect, it } from "vitest";
import {
  enclosingContext,
  looksLikeDefinition,
  MAX_CONTEXT_LINES,
} from "../../../src/review/diff/context.js";
import { parsePatch, type Hunk } from "../../../src/review/diff/patch.js";

/** A hunk of three context lines then one added line, starting at new-file line `start`. */
function hunkAt(fileLines: string[], start: number): Hunk {
  const ctx = fileLines.slice(start - 1, start + 2).map((l) => ` ${l}`);
  const added = `+${fileLines[start + 2]}`;
  return parsePatch(`@@ -${start},3 +${start},4 @@\n${ctx.join("\n")}\n${added}`)[0]!;
}

describe("looksLikeDefinition", () => {
  it.each([
    "export async function load(path: string): Promise<void> {",
    "function* walk(node) {",
    "export default class Store {",
    "  private async fetchAll<T>(ids: string[]): Promise<T[]> {",
    "  constructor(private readonly db: Db) {",
    "export const handler = async (event: Event) => {",
    "const add = (a, b) =>",
    "    def method(self, x):",
    "async def main():",
    "class Parser(Base):",
    "func (s *Server) Serve(l net.Listener) error {",
    "type Server struct {",
    "pub(crate) async fn run(&self) -> Result<()> {",
    "impl<T: Clone> Stack<T> {",
    "  public static void main(String[] args) {",
    "  @Override public String toString() {",
    "int main(int argc, char **argv) {",
    "  def call(env)",
    "fun greet(name: String): String {",
  ])("takes %j for a definition", (line) => {
    expect(looksLikeDefinition(line)).toBe(true);
  });

  it.each([
    "  if (ready) {",
    "  } else if (x) {",
    "  for (const x of xs) {",
    "  while (true) {",
    "  return compute(a, b);",
    "  const x = compute(a);",
    '  describe("x", () => {',
    "  items.forEach((item) => {",
    "module.exports = {",
    "  switch (kind) {",
    "  catch (err) {",
    `  ${"x".repeat(400)}() {`,
  ])("does not take %j for one", (line) => {
    expect(looksLikeDefinition(line)).toBe(false);
  });
});

describe("enclosingContext", () => {
  const ts = [
    "import { x } from './x.js';", // 1
    "", // 2
    "export function outer(a: number): number {", // 3
    "  const b = a + 1;", // 4
    "  if (b > 2) {", // 5
    "    log(b);", // 6
    "  }", // 7
    "  const c = b * 2;", // 8
    "  const d = c - 1;", // 9
    "  const e = d + c;", // 10
    "  return e;", // 11 (added)
    "}", // 12
  ];

  it("shows the lines from the enclosing function down to the hunk", () => {
    expect(enclosingContext(ts, hunkAt(ts, 8))).toEqual({ startLine: 3, lines: ts.slice(2, 7) });
  });

  it("walks past blocks indented less than the change that are not definitions", () => {
    const lines = [
      "class A {",
      "  run() {",
      "    if (x) {",
      "      a();",
      "      b();",
      "      c();",
      "      d();",
      "    }",
      "  }",
      "}",
    ];
    expect(enclosingContext(lines, hunkAt(lines, 4))).toEqual({
      startLine: 2,
      lines: ["  run() {", "    if (x) {"],
    });
  });

  it("finds the method, not the class, in Python", () => {
    const py = [
      "class Repo:",
      "    def save(self, item):",
      "        self.check(item)",
      "        x = 1",
      "        y = 2",
      "        z = 3",
      "        return x",
    ];
    expect(enclosingContext(py, hunkAt(py, 4))).toEqual({ startLine: 2, lines: py.slice(1, 3) });
  });

  it("shows the definition alone when it is far above the hunk", () => {
    const body = Array.from({ length: 60 }, (_, i) => `  step${i}();`);
    const lines = ["function long() {", ...body, "}"];
    expect(50 - 1).toBeGreaterThan(MAX_CONTEXT_LINES);
    expect(enclosingContext(lines, hunkAt(lines, 50))).toEqual({
      startLine: 1,
      lines: ["function long() {"],
    });
  });

  it("adds nothing when the hunk already shows the definition", () => {
    expect(enclosingContext(ts, hunkAt(ts, 3))).toBeUndefined();
  });

  it("adds nothing for a change at the top level", () => {
    const lines = ["a();", "b();", "c();", "d();", "e();"];
    expect(enclosingContext(lines, hunkAt(lines, 1))).toBeUndefined();
  });

  it("does not reach into the previous hunk", () => {
    expect(enclosingContext(ts, hunkAt(ts, 8), 4)).toBeUndefined();
  });

  it("adds nothing for a hunk without added lines", () => {
    expect(
      enclosingContext(ts, parsePatch("@@ -8,2 +8,1 @@\n   const c = b * 2;\n-  gone();")[0]!),
    ).toBeUndefined();
  });
});
