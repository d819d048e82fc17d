import type { PullRequestCommit } from "./thread-discussion.js";

/**
 * How many of `login`'s commits on a pull request someone else reverted before `before`. A revert is what
 * `git revert` writes: a subject `Revert "<subject>"`, and a body saying `This reverts commit <sha>` (the
 * sha in full, or abbreviated). It counts when that sha is one of `login`'s commits on the pull request, or
 * when the quoted subject is one of theirs: a rebase changes shas, and the reverted commit may be older
 * than the last 50 GitHub gives.
 *
 * A commit is `login`'s when its git author is: the account GitHub linked to the email, or, since GitHub
 * links no account to an App bot's commits, the name or the noreply address patchwright commits with
 * (`login`, `<id>+<login>@users.noreply.github.com`). A person who takes that name in git would pass; the
 * worst that does is a plan before a change.
 */
export function countRevertedCommits(
  commits: readonly PullRequestCommit[],
  login: string,
  before: Date,
): number {
  const ours = commits.filter((c) => authoredBy(c, login));
  const shas = new Set(ours.map((c) => c.oid.toLowerCase()));
  const subjects = new Set(ours.map((c) => subject(c.message)));
  return commits.filter((c) => {
    if (authoredBy(c, login) || !(Date.parse(c.authoredDate) <= before.getTime())) return false;
    const reverted = /^Revert "(.*)"$/.exec(subject(c.message));
    if (!reverted) return false;
    const sha = /This reverts commit ([0-9a-f]{7,40})/i.exec(c.message)?.[1]?.toLowerCase();
    if (!sha) return false;
    return [...shas].some((s) => s.startsWith(sha)) || subjects.has(reverted[1]!);
  }).length;
}

function authoredBy(c: PullRequestCommit, login: string): boolean {
  const a = c.author;
  if (!a) return false;
  const same = (x: string | null | undefined): boolean => x?.toLowerCase() === login.toLowerCase();
  if (a.user) return same(a.user.login);
  const local = /^(?:\d+\+)?(.+)@users\.noreply\.github\.com$/i.exec(a.email ?? "")?.[1];
  return same(a.name) || same(local);
}

function subject(message: string): string {
  return message.split("\n", 1)[0]!.trim();
}
