import { readFile } from "node:fs/promises";
import type { ScanReport } from "../guard/finding.js";
import { loadGuardConfig, TERM_HASHES_ENV, TERMS_ENV } from "../guard/load-config.js";
import { scan } from "../guard/scan.js";
import { ScanError } from "../guard/scan-error.js";
import { git } from "../workspace/git.js";
import { planGuardScan, type Checkout, type GuardScope } from "./guard-target.js";

export interface GuardCheckInputs {
  scope: GuardScope;
  /** From the workflow (ideally a secret): never from a file in the repository. */
  forbiddenTerms: string;
  forbiddenTermHashes: string;
  config?: string | undefined;
}

export interface GuardCheckContext {
  workspace: string;
  eventName: string;
  eventPath?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

export type GuardCheckResult =
  | {
      ok: true;
      report: ScanReport;
      warnings: string[];
      /** What was scanned, in one sentence. */ scanned: string;
    }
  | { ok: false; error: string };

/** The Action's leak-guard check: scan what the triggering event brings in, as `patchwright scan` would. */
export async function runGuardCheck(
  inputs: GuardCheckInputs,
  ctx: GuardCheckContext,
): Promise<GuardCheckResult> {
  try {
    const payload: unknown = ctx.eventPath ? JSON.parse(await readFile(ctx.eventPath, "utf8")) : {};
    const plan = await planGuardScan(inputs.scope, ctx.eventName, payload, checkoutOf(ctx.workspace));
    const { target } = plan;
    const env = {
      ...ctx.env,
      [TERMS_ENV]: inputs.forbiddenTerms,
      [TERM_HASHES_ENV]: inputs.forbiddenTermHashes,
    };
    // Scanning commits: the rules are the base's, not those the scanned commits bring.
    const base = plan.configFrom;
    const { config, warnings } = await loadGuardConfig({
      ...(inputs.config ? { file: inputs.config } : {}),
      repoRoot: ctx.workspace,
      env,
      cwd: ctx.workspace,
      ...(base ? { fromCommit: base } : {}),
    });
    // The check reads people's code: markers count, but in a pull request's or a push's range only those
    // already on the base side, so an author cannot allow their own secret.
    const report = await scan(target, { cwd: ctx.workspace, config, inlineAllow: true });
    return { ok: true, report, warnings, scanned: plan.scanned };
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    const shallow = /bad revision|unknown revision|Invalid revision range/i.test(err.message);
    const hint = shallow ? " The checkout may be shallow: give actions/checkout `fetch-depth: 0`." : "";
    return { ok: false, error: `The leak guard could not scan: ${err.message}.${hint}` };
  }
}

function checkoutOf(workspace: string): Checkout {
  return {
    isCommit: (rev) =>
      git(workspace, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]).then(
        () => true,
        () => false,
      ),
    remoteBranches: async () =>
      (await git(workspace, ["for-each-ref", "--format=%(refname)", "refs/remotes"]))
        .split("\n")
        .filter(Boolean),
  };
}
