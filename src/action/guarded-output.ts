import * as core from "@actions/core";
import { guardOutbound } from "../github/guarded-comments.js";
import { GuardConfig } from "../guard/config.js";
import { withKnownSecrets } from "../guard/known-secrets.js";

/** Where an annotation points, as @actions/core takes it. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

/**
 * Everything the Action writes to the runner: log lines, annotations, outputs and the job summary. The
 * runner shows them to anyone who can read the workflow run (on a public repository, everyone), so each
 * is outbound text like a comment. main.ts adapts @actions/core to this; nothing else writes to it.
 */
export interface ActionWriter {
  info(message: string): void;
  warning(message: string): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string): void;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  /** Appends markdown to the job summary (GITHUB_STEP_SUMMARY). */
  summary(markdown: string): Promise<void>;
}

/**
 * The one way out for the Action's text: every string passes the leak guard first, and one with findings
 * is replaced by the guard's notice naming the rules (as on comments, `guardOutbound`), never the value.
 */
export class GuardedOutput implements ActionWriter {
  constructor(
    private readonly raw: ActionWriter,
    private guard: GuardConfig,
  ) {}

  /** From now on, scan with the run's own config: the repository's rules and the secrets the run held. */
  use(guard: GuardConfig): void {
    this.guard = guard;
  }

  private clean(text: string): string {
    return guardOutbound(text, this.guard);
  }

  info(message: string): void {
    this.raw.info(this.clean(message));
  }

  warning(message: string): void {
    this.raw.warning(this.clean(message));
  }

  notice(message: string): void {
    this.raw.notice(this.clean(message));
  }

  error(message: string, properties: AnnotationProperties = {}): void {
    const { title, file, ...where } = properties;
    // A file path with a finding is not a path worth pointing at: the annotation loses its place instead.
    const place = file !== undefined && this.clean(file) === file ? { file, ...where } : {};
    this.raw.error(this.clean(message), {
      ...(title !== undefined ? { title: this.clean(title) } : {}),
      ...place,
    });
  }

  setOutput(name: string, value: string): void {
    this.raw.setOutput(name, this.clean(value));
  }

  setFailed(message: string): void {
    this.raw.setFailed(this.clean(message));
  }

  summary(markdown: string): Promise<void> {
    return this.raw.summary(this.clean(markdown));
  }
}

/**
 * The guard before a run has its config: defaults, the workflow's forbidden terms and the job's secrets
 * (found by value, whatever their format).
 */
export function jobGuard(forbiddenTerms: string, secrets: readonly (string | undefined)[]): GuardConfig {
  const terms = forbiddenTerms
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t.length >= 2);
  return withKnownSecrets(GuardConfig.parse({ forbiddenTerms: terms }), secrets);
}

/** @actions/core as the Action's writer; the only place that writes to the runner
 * (lint forbids core's writers elsewhere): everything else goes through a GuardedOutput over it. */
export const RUNNER: ActionWriter = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  error: (message, properties) => core.error(message, properties),
  notice: (message) => core.notice(message),
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: (message) => core.setFailed(message),
  summary: async (markdown) => {
    if (process.env["GITHUB_STEP_SUMMARY"]) await core.summary.addRaw(markdown).write();
  },
};
