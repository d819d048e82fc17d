import type { Block } from "../block.js";
import type { Where } from "../finding.js";

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
const BINARY = /^Binary files .* and (?:b\/)?(.*) differ$/;
const FLUSH_CHARS = 1024 * 1024;

/**
 * Turns the lines of a unified diff into blocks of added lines, one file at a time, each line carrying
 * its number in the new file. Removed lines are not outbound, so they are not scanned.
 */
export class DiffBlocks {
  private path: string | undefined;
  private commit: string | undefined;
  private nextLine = 0;
  private lines: string[] = [];
  private numbers: number[] = [];
  private size = 0;
  // Between "diff --git" and the first hunk: only there is "+++ path" a header, not an added "++ line".
  private inHeader = false;

  constructor(
    private readonly where: Where,
    private readonly onBlock: (block: Block) => void,
    /** Each file the diff names; `binary` when git shows no lines for it ("Binary files … differ"). */
    private readonly onPath: (path: string, commit: string | undefined, binary: boolean) => void,
  ) {}

  /** Starts a new commit's diff (for `git log -p`). */
  startCommit(sha: string): void {
    this.flush();
    this.path = undefined;
    this.inHeader = false;
    this.commit = sha;
  }

  line(line: string): void {
    if (this.inHeader && line.startsWith("+++ ")) {
      // git ends the name with a tab when it holds a space (so a trailing space stays visible).
      const target = line.slice(4).replace(/\t$/, "");
      this.path = target === "/dev/null" ? undefined : unquote(target).replace(/^b\//, "");
      if (this.path !== undefined) this.onPath(this.path, this.commit, false);
      return;
    }
    if (line.startsWith("diff --git ")) {
      this.flush();
      this.path = undefined;
      this.inHeader = true;
      return;
    }
    const hunk = line.startsWith("@@") ? HUNK.exec(line) : null;
    if (hunk) {
      this.inHeader = false;
      this.nextLine = Number(hunk[1]);
      return;
    }
    if (this.inHeader) {
      const binary = BINARY.exec(line);
      if (binary && binary[1] !== "/dev/null") this.onPath(unquote(binary[1]!), this.commit, true);
      return;
    }
    if (this.path === undefined || this.nextLine === 0) return;
    if (line.startsWith("+")) {
      this.lines.push(line.slice(1));
      this.numbers.push(this.nextLine++);
      this.size += line.length;
      if (this.size >= FLUSH_CHARS) this.flush();
    } else if (line.startsWith(" ")) {
      this.nextLine++;
    }
  }

  flush(): void {
    if (this.lines.length > 0 && this.path !== undefined) {
      this.onBlock({
        text: this.lines.join("\n"),
        path: this.path,
        where: this.where,
        firstLine: this.numbers[0]!,
        firstColumn: 1,
        lineNumbers: this.numbers,
        ...(this.commit ? { commit: this.commit } : {}),
      });
    }
    this.lines = [];
    this.numbers = [];
    this.size = 0;
  }
}

/** git quotes unusual paths C-style ("a\tb"); undo it. */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(
        ({ n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 } as Record<string, number>)[
          next
        ] ?? next.charCodeAt(0),
      );
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
