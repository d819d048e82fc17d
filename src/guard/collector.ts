import type { Finding, ScanReport, SkippedFile } from "./finding.js";

/** Gathers findings and counts over one scan, whatever the sources. */
export class Collector {
  readonly findings: Finding[] = [];
  readonly advisories: Finding[] = [];
  readonly skipped: SkippedFile[] = [];
  files = 0;
  bytes = 0;
  private readonly started = performance.now();

  /** `onProgress` hears the running totals each time a source reports (at least once per file). */
  constructor(private readonly onProgress?: (files: number, bytes: number) => void) {}

  add(findings: readonly Finding[]): void {
    for (const f of findings) this.findings.push(f);
    this.onProgress?.(this.files, this.bytes);
  }

  /** A finding the config reports without blocking. */
  advise(finding: Finding): void {
    this.advisories.push(finding);
  }

  /** A file not scanned, or scanned only in part: every output lists it. */
  skip(file: SkippedFile): void {
    this.skipped.push(file);
  }

  report(): ScanReport {
    const ms = Math.round(performance.now() - this.started);
    return {
      findings: this.findings,
      advisories: this.advisories,
      // The walk runs ahead of the reads, so skips arrive out of order: sort them as the files are.
      skipped: [...this.skipped].sort(
        (a, b) => compare(a.path, b.path) || compare(a.commit ?? "", b.commit ?? ""),
      ),
      stats: { files: this.files, bytes: this.bytes, ms, skipped: this.skipped.length },
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
