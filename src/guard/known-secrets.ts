import type { GuardConfig } from "./config.js";

export const KNOWN_SECRET = {
  id: "known-secret",
  description: "A secret this run holds (its own token or key), found by its value",
} as const;

/** Shorter values would match by chance: they are not taken. */
export const MIN_KNOWN_SECRET_LENGTH = 8;

export interface KnownSecretHit {
  index: number;
  value: string;
}

/**
 * The values a run holds (its installation token, its model key): found and redacted wherever they
 * appear, whatever their format, so a token format the rules do not know yet still never leaves. Each is
 * also looked for as git and HTTP carry it: base64 (`x-access-token:<token>` in git's header, at any
 * alignment), base64url, percent-encoded, JSON-escaped and hex. The values sit in a private field, so
 * logging or serialising a config that carries this object shows none of them.
 */
export class KnownSecrets {
  readonly #values = new Set<string>();
  readonly #linked = new Set<KnownSecrets>();
  #forms: readonly string[] | undefined;

  constructor(values: Iterable<string | undefined> = []) {
    this.add(...values);
  }

  /** Adds values (a token issued during the run); empty and too-short ones are ignored. */
  add(...values: (string | undefined)[]): this {
    for (const raw of values) {
      const value = raw?.trim();
      if (!value || value.length < MIN_KNOWN_SECRET_LENGTH || this.#values.has(value)) continue;
      this.#values.add(value);
      this.#forms = undefined;
    }
    return this;
  }

  /** Also finds another set's values, including those it is given later. */
  link(other: KnownSecrets): this {
    if (other !== this) this.#linked.add(other);
    return this;
  }

  /** Every occurrence of a value or one of its encodings, in order of position. */
  find(text: string): KnownSecretHit[] {
    const hits: KnownSecretHit[] = [];
    for (const form of this.allForms(new Set())) {
      for (let i = text.indexOf(form); i !== -1; i = text.indexOf(form, i + 1)) {
        hits.push({ index: i, value: form });
      }
    }
    return hits.sort((a, b) => a.index - b.index || b.value.length - a.value.length);
  }

  private allForms(seen: Set<KnownSecrets>): string[] {
    if (seen.has(this)) return [];
    seen.add(this);
    this.#forms ??= [...new Set([...this.#values].flatMap(encodings))].filter(
      (f) => f.length >= MIN_KNOWN_SECRET_LENGTH,
    );
    return [...this.#forms, ...[...this.#linked].flatMap((l) => l.allForms(seen))];
  }

  toJSON(): string {
    return `[${this.#values.size} known secret(s)]`;
  }
}

/** The forms a value takes in transit. */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const hex = bytes.toString("hex");
  const percent = encodeURIComponent(value);
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase()),
  ];
  forms.push(hex, hex.toUpperCase());
  // In a longer base64 text the value starts at byte offset 0, 1 or 2 of a 3-byte group. Dropping the
  // bytes that share a group with what comes before, the rest encodes to the same characters wherever
  // the value sits; only whole groups are kept, since the last one depends on what comes after.
  for (let skip = 0; skip < 3; skip++) {
    const rest = bytes.subarray(skip);
    const core = rest.subarray(0, rest.length - (rest.length % 3)).toString("base64");
    forms.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

// Carried on the guard config under a symbol: an object spread (`{ ...config, forbiddenTerms }`) keeps it,
// JSON and the config file never see it, and every scan and redactor built from that config uses it.
const CARRIED = Symbol("patchwright.knownSecrets");
type Carrying = GuardConfig & { [CARRIED]?: KnownSecrets };

/**
 * The config, carrying `secrets` to every scan, text check and redactor built from it. Pass a
 * `KnownSecrets` to add tokens issued later in the run (they count from the next scan on).
 */
export function withKnownSecrets(
  config: GuardConfig,
  secrets: KnownSecrets | Iterable<string | undefined>,
): GuardConfig {
  const known = secrets instanceof KnownSecrets ? secrets : new KnownSecrets(secrets);
  const carried = knownSecretsOf(config);
  const out: Carrying = {
    ...config,
    [CARRIED]: carried ? new KnownSecrets().link(carried).link(known) : known,
  };
  return out;
}

export function knownSecretsOf(config: GuardConfig): KnownSecrets | undefined {
  return (config as Carrying)[CARRIED];
}
