/** The options of `patchwright scan`, as commander parses them (cli.ts). */
export interface ScanOptions {
  git?: string;
  staged?: boolean;
  pack?: string | boolean;
  text?: string;
  format: string;
  config?: string;
  baseline?: string;
  /** low, medium or high: findings below it are neither shown nor counted. */
  minConfidence?: string;
  /** Threads for a folder of many files (default: one per CPU, at most 4). */
  threads?: string;
  color: boolean;
}
