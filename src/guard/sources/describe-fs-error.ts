/** One sentence for a file system error on `shown`: what went wrong, in words, not an errno code. */
export function describeFsError(err: NodeJS.ErrnoException, shown: string): string {
  switch (err.code) {
    case "ENOENT":
      return `cannot read ${shown}: no such file or folder.`;
    case "ELOOP":
      return `${shown} is a symbolic link that loops back on itself: point it at a real file or folder.`;
    case "EACCES":
    case "EPERM":
      return `cannot read ${shown}: permission denied (scan it as a user who may read it, or leave it out).`;
    case "ENOTDIR":
      return `cannot read ${shown}: no such file or folder (a part of its path is a file).`;
    default:
      return `cannot read ${shown}: ${err.message}.`;
  }
}
