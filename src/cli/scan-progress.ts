/** How long a scan runs before it says how far it got, and how often it updates the line after that. */
const QUIET_MS = 2000;
const EVERY_MS = 250;

export interface ProgressOutput {
  write(s: string): unknown;
  isTTY?: boolean;
}

/**
 * One line on a terminal's standard error, rewritten in place, for a scan that takes more than 2 seconds:
 * files and bytes so far. Never on a pipe or a log (a CI log would fill with lines), never for a quick
 * scan. The clock is injected so a test can make a scan "slow" without waiting.
 */
export class ScanProgress {
  private readonly started: number;
  private last = -Infinity;
  private shown = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  /** Told of the scan's running totals; cheap when nothing is due. */
  update(files: number, bytes: number): void {
    if (!this.out.isTTY) return;
    const t = this.now();
    if (t - this.started < QUIET_MS || t - this.last < EVERY_MS) return;
    this.last = t;
    this.shown = true;
    const seconds = Math.floor((t - this.started) / 1000);
    this.out.write(
      `\r\x1b[2Kscanning… ${files} ${files === 1 ? "file" : "files"}, ${mebibytes(bytes)} (${seconds}s)`,
    );
  }

  /** Clears the line, so the report starts on a clean one. */
  done(): void {
    if (this.shown) this.out.write("\r\x1b[2K");
    this.shown = false;
  }
}

function mebibytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
