import { textBlock } from "../block.js";
import type { Collector } from "../collector.js";
import type { Guard, OnMarkedFinding } from "../engine.js";
import type { Finding } from "../finding.js";
import { ScanError } from "../scan-error.js";
import { DiffBlocks } from "./diff-blocks.js";
import { gitLines, gitOutput, gitSucceeds } from "./git-process.js";
import { scanTagsAndNotes } from "./scan-tags-notes.js";

const RS = "\x1e";
const US = "\x1f";
// Fixed prefixes: diff.noprefix or diff.mnemonicPrefix in a user's config would change "b/path".
const DIFF_OPTIONS = [
  "--unified=0",
  "--no-ext-diff",
  "--no-textconv",
  "--no-color",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

/**
 * Scans every commit in a range as it would be pushed: the added lines, the commit message, the author
 * and committer, the names of the branches whose tips are in the range, and the tags and notes on its
 * commits.
 *
 * When the guard honours inline allow markers, a marker accepts a finding in an added line only if that
 * exact line is already in a base commit's tree (a person's earlier decision, moved or copied): whoever
 * writes the range, a person or the agent, cannot allow their own secret. Markers in commit messages,
 * identities and branch names never count.
 */
export async function scanGitRange(
  guard: Guard,
  repo: string,
  range: string,
  out: Collector,
  exclude: readonly string[] = [],
): Promise<void> {
  if (range.startsWith("-")) throw new ScanError(`"${range}" is not a revision range`);
  const bad = exclude.find((r) => r.startsWith("-") || r.startsWith("^"));
  if (bad !== undefined) throw new ScanError(`"${bad}" is not a revision to exclude`);
  const revs = [range, ...exclude.map((r) => `^${r}`)];
  const commits = new Set<string>();
  const marked: { finding: Finding; line: string }[] = [];
  const diff = newDiff(guard, out, (finding, line) => marked.push({ finding, line }));
  const report: OnMarkedFinding = (finding) => out.add([finding]);
  let header: string[] | undefined;

  const onHeader = (raw: string): void => {
    const [sha = "", an, ae, cn, ce, ...message] = raw.split(US);
    commits.add(sha);
    diff.startCommit(sha);
    out.add(guard.scanBlock(textBlock(message.join(US).replace(/\n+$/, ""), "message", "", sha), report));
    out.add(guard.scanBlock(textBlock(`${an} <${ae}>\n${cn} <${ce}>`, "author", "", sha), report));
  };

  await gitLines(
    repo,
    [
      "log",
      "-p",
      ...DIFF_OPTIONS,
      `--format=${RS}%H${US}%an${US}%ae${US}%cn${US}%ce${US}%B${RS}`,
      ...revs,
      "--",
    ],
    (line) => {
      if (header === undefined && line.startsWith(RS)) header = [];
      if (header === undefined) return diff.line(line);
      header.push(line);
      if (line.endsWith(RS) && (header.length > 1 || line.length > 1)) {
        onHeader(header.join("\n").slice(1, -1));
        header = undefined;
      }
    },
  );
  diff.flush();

  const refs = await gitOutput(repo, [
    "for-each-ref",
    "--format=%(objectname)%09%(refname:short)",
    "refs/heads",
  ]);
  for (const ref of refs.split("\n")) {
    const [sha, name] = ref.split("\t");
    if (sha && name && commits.has(sha)) out.add(guard.scanBlock(textBlock(name, "branch", "", sha), report));
  }
  await scanTagsAndNotes(guard, repo, commits, out, report);
  if (marked.length > 0) out.add(await notOnBase(repo, revs, marked));
}

/** The marked findings whose line is in no base commit of the range: their marker does not count. */
async function notOnBase(
  repo: string,
  revs: readonly string[],
  marked: readonly { finding: Finding; line: string }[],
): Promise<Finding[]> {
  // `git rev-parse A..B` prints B and ^A: the excluded revisions are the base side (none for a bare `B`).
  const bases = (await gitOutput(repo, ["rev-parse", "--revs-only", ...revs]))
    .split("\n")
    .filter((r) => r.startsWith("^"))
    .map((r) => r.slice(1));
  const seen = new Map<string, boolean>();
  const refused: Finding[] = [];
  for (const { finding, line } of marked) {
    let onBase = seen.get(line);
    if (onBase === undefined) {
      onBase = false;
      // The whole line, as a fixed string; with its CR too, since git's lines were read without it.
      for (const base of bases) {
        const args = ["grep", "-q", "-I", "-F", "-x", "-e", line, "-e", `${line}\r`, base, "--"];
        if ((onBase = await gitSucceeds(repo, args))) break;
      }
      seen.set(line, onBase);
    }
    if (!onBase) refused.push(finding);
  }
  return refused;
}

/** Scans what `git commit` would record now: the staged additions, the author, the branch. */
export async function scanStaged(guard: Guard, repo: string, out: Collector): Promise<void> {
  const diff = newDiff(guard, out);
  await gitLines(repo, ["diff", "--cached", ...DIFF_OPTIONS], (line) => diff.line(line));
  diff.flush();
  // No identity configured (a fresh CI runner) is not a reason to refuse the scan: there is nothing to leak.
  const ident = (name: string): Promise<string> =>
    gitOutput(repo, ["var", name]).then(
      (id) => id.replace(/ \d+ [+-]\d{4}$/, ""),
      () => "",
    );
  out.add(
    guard.scanBlock(
      textBlock(`${await ident("GIT_AUTHOR_IDENT")}\n${await ident("GIT_COMMITTER_IDENT")}`, "author"),
    ),
  );
  const branch = await gitOutput(repo, ["symbolic-ref", "--short", "-q", "HEAD"]).catch(() => "");
  if (branch) out.add(guard.scanBlock(textBlock(branch, "branch")));
}

const BINARY_DIFF = "binary content: git shows no lines for it, so only its name was scanned";

function newDiff(guard: Guard, out: Collector, onMarked?: OnMarkedFinding): DiffBlocks {
  return new DiffBlocks(
    "file",
    (block) => {
      out.bytes += block.text.length;
      out.add(guard.scanBlock(block, onMarked));
    },
    (path, commit, binary) => {
      out.files++;
      out.add(guard.scanPath(path, "file", commit));
      if (binary) out.skip({ path, ...(commit ? { commit } : {}), reason: "binary", detail: BINARY_DIFF });
    },
  );
}
