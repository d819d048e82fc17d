import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { MODEL_PROVIDERS, PROVIDER_NAMES, missingModelSetting } from "../agent/model/model-provider.js";
import { QUEUE_DEFAULTS, type QueueSettings } from "../runs/queue/open-queue.js";
import { derivePlanKey, MIN_PLAN_SECRET_LENGTH } from "../runs/plan-mac.js";
import { SANDBOX_MODE_ERROR, SandboxMode } from "../workspace/sandbox/sandbox.js";

// Everything the App reads from its environment, checked once before anything starts: a server that
// starts half-configured fails later, on a delivery, or — without WEBHOOK_SECRET — accepts deliveries
// signed with Probot's public default secret, "development", so anyone could forge a maintainer's mention.

export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";
/** Probot's fallback secret when none is set: public, so never accepted. */
const PROBOT_DEFAULT_SECRET = "development";
/** The least length of PATCHWRIGHT_ADMIN_TOKEN: the dashboard can cancel runs, so it must not be guessed. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

const blankToUndefined = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** A variable that must be set; `missing` is the sentence when it is not. */
function required(missing: string) {
  return z.preprocess(blankToUndefined, z.string({ error: missing }));
}

/** A variable that may be left out; set, it must pass `schema`. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}

const AppId = required(
  "APP_ID is not set: set it to your GitHub App's id, shown on the App's settings page.",
).pipe(
  z
    .string()
    .regex(/^\s*[1-9]\d*\s*$/, {
      error: "APP_ID is not a number: set it to your GitHub App's id, shown on the App's settings page.",
    })
    .transform(Number),
);

const WebhookSecret = required(
  "WEBHOOK_SECRET is not set: set it to the webhook secret in your GitHub App's settings, or anyone could forge GitHub's deliveries.",
).refine((secret) => secret !== PROBOT_DEFAULT_SECRET, {
  error: `WEBHOOK_SECRET is "${PROBOT_DEFAULT_SECRET}", Probot's public default: set a secret of your own, here and in your GitHub App's settings.`,
});

const PrivateKey = z
  .object({ PRIVATE_KEY: optional(z.string()), PRIVATE_KEY_PATH: optional(z.string()) })
  .transform((vars, ctx) => {
    const read = readPrivateKey(vars.PRIVATE_KEY, vars.PRIVATE_KEY_PATH);
    if (read.ok) return read.key;
    ctx.issues.push({ code: "custom", message: read.problem, input: undefined });
    return z.NEVER;
  });

const Provider = optional(
  z.enum(MODEL_PROVIDERS, {
    error: () =>
      `PATCHWRIGHT_PROVIDER is not a provider patchwright knows: use ${PROVIDER_NAMES} (unset means anthropic).`,
  }),
);

/** The provider, and its settings (its key, region or project), checked as `send` would check them. */
const Model = z.record(z.string(), z.string().optional()).transform((env, ctx) => {
  const parsed = Provider.safeParse(env["PATCHWRIGHT_PROVIDER"]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.issues.push({ code: "custom", message: issue.message, input: undefined });
    return z.NEVER;
  }
  const provider = parsed.data ?? "anthropic";
  const missing = missingModelSetting({ provider, env });
  if (missing) {
    // The model client's sentence, less its mention of options the App has no way to pass.
    ctx.issues.push({
      code: "custom",
      message: missing.replace(/ \(or the \w+ option\)/, ""),
      input: undefined,
    });
    return z.NEVER;
  }
  return provider;
});

const Port = optional(
  z
    .string()
    .regex(/^\s*\d{1,5}\s*$/, { error: "PORT is not a port number: set it to a number from 0 to 65535." })
    .transform(Number)
    .refine((port) => port <= 65_535, {
      error: "PORT is not a port number: set it to a number from 0 to 65535.",
    }),
);

const GheHost = optional(
  z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, {
    error:
      "GHE_HOST is not a host name: set it to your GitHub Enterprise Server's host alone, such as github.example.com (no https://, no path).",
  }),
);

// The key plans are MACed with (`approve` refuses a plan without a MAC made with it). Unset, it is derived
// from the App's private key, so it needs no setup; rotating either one invalidates the plans waiting.
const PlanSecret = optional(
  z.string().min(MIN_PLAN_SECRET_LENGTH, {
    error: `PATCHWRIGHT_PLAN_SECRET is shorter than ${MIN_PLAN_SECRET_LENGTH} characters: set it to a long random value, such as the output of \`openssl rand -hex 32\`, or leave it unset to derive one from the App's private key.`,
  }),
);

/** A whole number of something, within bounds; unset means `fallback`. */
function count(name: string, unit: string, min: number, max: number, fallback: number) {
  const error = `${name} must be a whole number of ${unit} from ${min} to ${max} (${fallback} when unset).`;
  return optional(
    z
      .string()
      .regex(/^\s*\d+\s*$/, { error })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error }),
  ).transform((n) => n ?? fallback);
}

const QueueBackend = optional(
  z.enum(["sqlite", "redis"], {
    error:
      "PATCHWRIGHT_QUEUE must be sqlite (one machine, the default) or redis (several workers, needs REDIS_URL).",
  }),
);

export const AppEnv = z
  .object({
    APP_ID: AppId,
    privateKey: PrivateKey,
    WEBHOOK_SECRET: WebhookSecret,
    model: Model,
    HOST: optional(z.string()),
    PORT: Port,
    WEBHOOK_PATH: optional(
      z.string().startsWith("/", { error: "WEBHOOK_PATH must start with /, such as /api/github/webhooks." }),
    ),
    GHE_HOST: GheHost,
    GHE_PROTOCOL: optional(
      z.enum(["https", "http"], { error: "GHE_PROTOCOL must be https or http (https when unset)." }),
    ),
    LOG_LEVEL: optional(
      z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (info when unset).` }),
    ),
    LOG_FORMAT: optional(z.enum(["json", "pretty"], { error: "LOG_FORMAT must be json or pretty." })),
    LOG_LEVEL_IN_STRING: optional(z.string()),
    LOG_MESSAGE_KEY: optional(z.string()),
    SENTRY_DSN: optional(z.string()),
    REDIS_URL: optional(
      z.string().regex(/^rediss?:\/\/\S+$/, {
        error: "REDIS_URL must be a redis:// or rediss:// address, such as redis://127.0.0.1:6379.",
      }),
    ),
    PATCHWRIGHT_QUEUE: QueueBackend,
    PATCHWRIGHT_STATE_DIR: optional(z.string()),
    PATCHWRIGHT_DRAIN_SECONDS: count("PATCHWRIGHT_DRAIN_SECONDS", "seconds", 0, 3600, 120),
    PATCHWRIGHT_RETENTION_DAYS: count("PATCHWRIGHT_RETENTION_DAYS", "days", 1, 3650, 14),
    PATCHWRIGHT_LEASE_SECONDS: count("PATCHWRIGHT_LEASE_SECONDS", "seconds", 1, 3600, 30),
    PATCHWRIGHT_RUN_CONCURRENCY: count("PATCHWRIGHT_RUN_CONCURRENCY", "runs", 1, 64, 2),
    PATCHWRIGHT_WORKER_NICE: count("PATCHWRIGHT_WORKER_NICE", "steps of niceness", 0, 19, 10),
    PATCHWRIGHT_RECONCILE_MINUTES: count("PATCHWRIGHT_RECONCILE_MINUTES", "minutes", 0, 1440, 10),
    PATCHWRIGHT_SCHEDULER: optional(
      z.enum(["on", "off"], {
        error:
          "PATCHWRIGHT_SCHEDULER must be on or off (on when unset): off starts no scheduled maintenance.",
      }),
    ),
    PATCHWRIGHT_INBOX: optional(
      z.enum(["on", "off"], {
        error:
          "PATCHWRIGHT_INBOX must be on or off (on when unset): off makes the server wait for Redis before it answers GitHub.",
      }),
    ),
    PATCHWRIGHT_METRICS_TOKEN: optional(z.string()),
    PATCHWRIGHT_PUBLIC_URL: optional(
      z
        .string()
        .regex(/^https?:\/\/[^\s?#]+$/, {
          error:
            "PATCHWRIGHT_PUBLIC_URL must be the http(s) address people reach this server at, such as https://patchwright.example.com (no query or fragment).",
        })
        .transform((url) => url.replace(/\/+$/, "")),
    ),
    PATCHWRIGHT_ADMIN_TOKEN: optional(
      z.string().min(MIN_ADMIN_TOKEN_LENGTH, {
        error: `PATCHWRIGHT_ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters: set it to a long random value, such as the output of \`openssl rand -hex 32\`, or leave it unset to keep the dashboard off.`,
      }),
    ),
    PATCHWRIGHT_PLAN_SECRET: PlanSecret,
    // Read again by every run; checked here so a typo stops the server, not each run.
    PATCHWRIGHT_SANDBOX: optional(z.enum(SandboxMode.options, { error: SANDBOX_MODE_ERROR })),
    NODE_ENV: optional(z.string()),
  })
  .refine((v) => v.PATCHWRIGHT_QUEUE !== "redis" || v.REDIS_URL !== undefined, {
    error:
      "PATCHWRIGHT_QUEUE is redis but REDIS_URL is not set: set it to your Redis, such as redis://127.0.0.1:6379.",
  })
  .transform((v) => ({
    appId: v.APP_ID,
    privateKey: v.privateKey,
    webhookSecret: v.WEBHOOK_SECRET,
    provider: v.model,
    // Probot's defaults, kept: an unset HOST listens on localhost only.
    host: v.HOST ?? "localhost",
    port: v.PORT ?? 3000,
    webhookPath: v.WEBHOOK_PATH ?? DEFAULT_WEBHOOK_PATH,
    /** GitHub's REST API: api.github.com, or GHE_HOST's /api/v3 on GitHub Enterprise Server. */
    baseUrl: v.GHE_HOST ? `${v.GHE_PROTOCOL ?? "https"}://${v.GHE_HOST}/api/v3` : "https://api.github.com",
    log: {
      level: v.LOG_LEVEL ?? "info",
      format: v.LOG_FORMAT ?? (v.NODE_ENV === "production" ? "json" : "pretty"),
      levelInString: v.LOG_LEVEL_IN_STRING === "true",
      ...(v.LOG_MESSAGE_KEY ? { messageKey: v.LOG_MESSAGE_KEY } : {}),
      ...(v.SENTRY_DSN ? { sentryDsn: v.SENTRY_DSN } : {}),
    },
    ...(v.REDIS_URL ? { redisUrl: v.REDIS_URL } : {}),
    queue: {
      backend: v.PATCHWRIGHT_QUEUE ?? "sqlite",
      stateDir: v.PATCHWRIGHT_STATE_DIR ?? ".patchwright",
      ...(v.REDIS_URL ? { redisUrl: v.REDIS_URL } : {}),
      leaseMs: v.PATCHWRIGHT_LEASE_SECONDS * 1000,
      maxRestarts: QUEUE_DEFAULTS.maxRestarts,
      retentionMs: v.PATCHWRIGHT_RETENTION_DAYS * 24 * 3600_000,
    } satisfies QueueSettings,
    drainMs: v.PATCHWRIGHT_DRAIN_SECONDS * 1000,
    runConcurrency: v.PATCHWRIGHT_RUN_CONCURRENCY,
    workerNice: v.PATCHWRIGHT_WORKER_NICE,
    reconcileMs: v.PATCHWRIGHT_RECONCILE_MINUTES * 60_000,
    scheduler: v.PATCHWRIGHT_SCHEDULER !== "off",
    inbox: v.PATCHWRIGHT_INBOX !== "off",
    ...(v.PATCHWRIGHT_METRICS_TOKEN ? { metricsToken: v.PATCHWRIGHT_METRICS_TOKEN } : {}),
    ...(v.PATCHWRIGHT_PUBLIC_URL ? { publicUrl: v.PATCHWRIGHT_PUBLIC_URL } : {}),
    ...(v.PATCHWRIGHT_ADMIN_TOKEN ? { adminToken: v.PATCHWRIGHT_ADMIN_TOKEN } : {}),
    planKey: v.PATCHWRIGHT_PLAN_SECRET
      ? derivePlanKey(v.PATCHWRIGHT_PLAN_SECRET, "plan-secret")
      : // The key's DER, not its PEM text: the same key given as PRIVATE_KEY or a file derives the same.
        derivePlanKey(
          createPrivateKey(v.privateKey).export({ type: "pkcs8", format: "der" }),
          "app-private-key",
        ),
  }));
export type AppEnv = z.output<typeof AppEnv>;

export type AppEnvResult = { ok: true; env: AppEnv; warnings: string[] } | { ok: false; problems: string[] };

/**
 * Reads and checks the App's environment: the typed settings, or every problem as one plain sentence
 * (never a value: a key pasted into the wrong variable must not end up in a log).
 */
export function readAppEnv(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): AppEnvResult {
  const parsed = AppEnv.safeParse({
    ...env,
    privateKey: {
      PRIVATE_KEY: env["PRIVATE_KEY"],
      // Relative to where the server starts, as Probot reads it.
      PRIVATE_KEY_PATH: env["PRIVATE_KEY_PATH"]?.trim() ? resolve(cwd, env["PRIVATE_KEY_PATH"]) : undefined,
    },
    model: { ...env },
  });
  if (!parsed.success)
    return { ok: false, problems: [...new Set(parsed.error.issues.map((i) => i.message))] };
  const warnings = env["WEBHOOK_PROXY_URL"]?.trim()
    ? [
        "WEBHOOK_PROXY_URL is no longer read: forward the channel yourself with `npx smee-client --url <channel> --target http://localhost:<PORT>/api/github/webhooks`.",
      ]
    : [];
  return { ok: true, env: parsed.data, warnings };
}

type KeyRead = { ok: true; key: string } | { ok: false; problem: string };

/** PRIVATE_KEY (the PEM, its lines joined by \n or not, or base64 of it) or the file at PRIVATE_KEY_PATH. */
function readPrivateKey(inline: string | undefined, path: string | undefined): KeyRead {
  let key: string;
  let origin: string;
  if (inline !== undefined) {
    key = normalisePem(inline.trim());
    origin = "PRIVATE_KEY";
  } else if (path !== undefined) {
    try {
      key = readFileSync(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
      return {
        ok: false,
        problem: `PRIVATE_KEY_PATH names a file that cannot be read (${code}): point it at the App's .pem file, or set PRIVATE_KEY to its contents.`,
      };
    }
    origin = `the file at PRIVATE_KEY_PATH`;
  } else {
    return {
      ok: false,
      problem:
        "PRIVATE_KEY is not set: set it to your GitHub App's private key (the .pem file's contents), or set PRIVATE_KEY_PATH to the file.",
    };
  }
  try {
    // GitHub signs App keys with RSA; anything else would only fail at the first API call.
    if (createPrivateKey(key).asymmetricKeyType === "rsa") return { ok: true, key };
  } catch {
    // Not a key at all: said below.
  }
  return {
    ok: false,
    problem: `${origin} is not a usable private key: use the .pem file generated in your GitHub App's settings, BEGIN and END lines included.`,
  };
}

const PEM = /^(-----BEGIN [A-Z ]*PRIVATE KEY-----)\s*(.*?)\s*(-----END [A-Z ]*PRIVATE KEY-----)$/s;

/** The forms @probot/get-private-key accepts, so a key that worked with Probot still works. */
function normalisePem(value: string): string {
  let key = value;
  if (!key.includes("-----") && Buffer.from(key, "base64").toString("base64") === key) {
    key = Buffer.from(key, "base64").toString("utf8").trim();
  }
  key = key.replace(/\\n/g, "\n");
  const parts = PEM.exec(key);
  // A PEM pasted as one line (spaces for newlines) is split back into lines.
  if (parts && !parts[2]!.includes("\n"))
    return `${parts[1]}\n${parts[2]!.replace(/\s+/g, "\n")}\n${parts[3]}\n`;
  return key;
}
