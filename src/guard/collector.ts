import type { Finding, ScanReport } from "./finding.js";

/** Gathers findings and counts over one scan, whatever the sources. */
export class Collector {
  readonly findings: Finding[] = [];
  readonly advisories: Finding[] = [];
  files = 0;
  bytes = 0;
  private readonly started = performance.now();

  add(findings: readonly Finding[]): void {
    for (const f of findings) this.findings.push(f);
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
