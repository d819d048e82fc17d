import type { Finding, ScanReport } from "./finding.js";

/** Gathers findings and counts over one scan, whatever the sources. */
export class Collector {
  readonly findings: Finding[] = [];
  readonly advisories: Finding[] = [];
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

  report(): ScanReport {
    return {
      findings: this.findings,
      advisories: this.advisories,
      stats: { files: this.files, bytes: this.bytes, ms: Math.round(performance.now() - this.started) },
    };
  }
}
