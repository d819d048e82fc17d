import { describe, expect, it } from "vitest";
import { splitCommand } from "../../src/agent/permissions/split-command.js";

const one = (command: string) => {
  const commands = splitCommand(command);
  expect(commands).toHaveLength(1);
  return commands[0]!;
};

describe("splitCommand", () => {
  it("keeps the assignments and wrappers that the matched text leaves out", () => {
    expect(one("A=1 env -i B=2 timeout 5 git status")).toMatchObject({
      text: "git status",
      assignments: ["A=1", "B=2"],
      wrappers: ["env", "timeout"],
    });
    expect(splitCommand("PATH=.; ls").map((c) => [c.text, c.assignments])).toEqual([
      ["", ["PATH=."]],
      ["ls", []],
    ]);
  });

  it("keeps redirections into files apart from the arguments, and matches them after the command", () => {
    const command = one(">x 2>&1 sort <in a >|y 3<>z");
    expect(command.text).toBe("sort a >| y 3<> z > x");
    expect(command.argv.map((w) => w.text)).toEqual(["sort", "a"]);
    expect(command.redirects).toEqual([">", ">|", "3<>"]);
    expect(one("cat <<< 'a b' 2>/dev/null").redirects).toEqual(["<<<"]);
    expect(one(`cat <<< 'a b' >"c d"`)).toMatchObject({ text: "cat <<< a b > c d", redirects: ["<<<", ">"] });
  });

  it("marks words whose value only the shell knows", () => {
    // The substitutions' own commands come first; the command itself is last.
    const words = splitCommand(`x $a "$(b)" \`c\` $'d' 'e$f' "g$" *h i* ""{j,k} \\*l`).at(-1)!.argv.slice(1);
    expect(words.map((w) => [w.text, w.expands, w.pattern, w.patternFirst])).toEqual([
      ["$a", true, false, false],
      ["$(b)", true, false, false],
      ["`c`", true, false, false],
      ["$d", true, false, false],
      ["e$f", false, false, false],
      ["g$", false, false, false],
      ["*h", false, true, true],
      ["i*", false, true, false],
      ["{j,k}", false, true, true],
      ["*l", false, false, false],
    ]);
  });
});
