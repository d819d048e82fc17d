import { Features, type RepoConfig } from "./schema.js";

export type FlagName = keyof RepoConfig["features"];

export interface FlagInfo {
  /** The version that brought the flag (its behaviour, for a planned flag: its name). */
  since: string;
  /** stable: kept as it is; experimental: may change between minor versions; planned: named, not built yet. */
  status: "stable" | "experimental" | "planned";
  /** For a planned flag: what a run does instead while it is on, in a few words. */
  meanwhile?: string;
}

/** Every flag of `features`, typed so a flag added to the schema without an entry here does not compile. */
export const FLAGS: Record<FlagName, FlagInfo> = {
  buddy: { since: "0.1.0", status: "experimental" },
  frustrationSignals: { since: "0.1.0", status: "experimental" },
  modelRouter: {
    since: "0.1.0",
    status: "planned",
    meanwhile: "free-text mentions are routed by rules, from words such as fix, explain and plan",
  },
  memory: { since: "0.1.0", status: "experimental" },
  subAgents: { since: "0.1.0", status: "experimental" },
};

/**
 * One sentence for each flag the config switches on that this version does not carry out, so a run says so
 * plainly instead of silently ignoring it.
 */
export function unbuiltFlagNotes(features: RepoConfig["features"]): string[] {
  return (Object.keys(FLAGS) as FlagName[])
    .filter((name) => features[name] && FLAGS[name].status === "planned")
    .map(
      (name) =>
        `\`features.${name}\` is on, but this version does not build it yet: ${FLAGS[name].meanwhile}.`,
    );
}

/** docs/flags.md, generated from the schema and FLAGS (npm run schema writes it; a test compares). */
export function renderFlagsDoc(): string {
  const rows = (Object.keys(FLAGS) as FlagName[]).map((name) => {
    const field = Features.shape[name];
    const info = FLAGS[name];
    const fallback = field.parse(undefined);
    const what = (field.description ?? "").replace(/\|/g, "\\|");
    const status = info.status === "planned" ? `planned; meanwhile ${info.meanwhile}` : info.status;
    return `| \`features.${name}\` | \`${String(fallback)}\` | ${what} | ${info.since} | ${status} |`;
  });
  return [
    "# Feature flags",
    "",
    "<!-- Generated from src/config/schema.ts and src/config/flags.ts by `npm run schema`; a test checks it. -->",
    "",
    "Each capability that is not always on has a flag under `features` in `.github/patchwright.yml`. " +
      "**Stable** flags keep their behaviour; **experimental** ones may change between minor versions; " +
      "**planned** ones are named but not built yet: switched on, a run says so in its report and carries on " +
      "as described.",
    "",
    "| Flag | Default | What it does | Since | Status |",
    "| ---- | ------- | ------------ | ----- | ------ |",
    ...rows,
    "",
  ].join("\n");
}
