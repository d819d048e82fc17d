import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAppEnv, type AppEnvResult } from "../../src/app/read-app-env.js";
import { tempDir, writeFiles } from "../helpers/temp-repo.js";

const RSA_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
}).privateKey;

const BASE = {
  APP_ID: "12345",
  PRIVATE_KEY: RSA_KEY,
  WEBHOOK_SECRET: "a secret of our own",
  ANTHROPIC_API_KEY: "test-model-key",
};

function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

function problems(result: AppEnvResult): string[] {
  return result.ok ? [] : result.problems;
}

function settings(result: AppEnvResult) {
  if (!result.ok) throw new Error(`expected valid settings, got: ${result.problems.join(" / ")}`);
  return result.env;
}

describe("readAppEnv", () => {
  it("reads a complete environment into typed settings, with Probot's defaults", () => {
    expect(readAppEnv(BASE, "/")).toEqual({
      ok: true,
      warnings: [],
      env: {
        appId: 12345,
        privateKey: RSA_KEY.trim(),
        webhookSecret: "a secret of our own",
        provider: "anthropic",
        host: "localhost",
        port: 3000,
        webhookPath: "/api/github/webhooks",
        baseUrl: "https://api.github.com",
        log: { level: "info", format: "pretty", levelInString: false },
        queue: {
          backend: "sqlite",
          stateDir: ".patchwright",
          leaseMs: 30_000,
          maxRestarts: 2,
          retentionMs: 14 * 24 * 3600_000,
        },
        drainMs: 120_000,
        runConcurrency: 2,
        workerNice: 10,
        reconcileMs: 600_000,
        scheduler: true,
        inbox: true,
        planKey: expect.any(Buffer),
      },
    });
    expect(settings(readAppEnv({ ...BASE, NODE_ENV: "production" }, "/")).log.format).toBe("json");
  });

  it("reads the run pages' public address and the dashboard's token, refusing a bad one in one sentence", () => {
    const read = settings(
      readAppEnv({
        ...BASE,
        PATCHWRIGHT_PUBLIC_URL: "https://pw.example.com/",
        PATCHWRIGHT_ADMIN_TOKEN: "a".repeat(32),
      }),
    );
    expect(read.publicUrl).toBe("https://pw.example.com");
    expect(read.adminToken).toBe("a".repeat(32));
    expect(settings(readAppEnv(BASE)).adminToken).toBeUndefined();
    expect(
      problems(
        readAppEnv({ ...BASE, PATCHWRIGHT_PUBLIC_URL: "pw.example.com", PATCHWRIGHT_ADMIN_TOKEN: "short" }),
      ),
    ).toEqual([
      expect.stringMatching(/^PATCHWRIGHT_PUBLIC_URL must be the http\(s\) address/),
      expect.stringMatching(/^PATCHWRIGHT_ADMIN_TOKEN is shorter than 32 characters/),
    ]);
  });

  it("reads the queue's settings, and says in one sentence what is wrong with them", () => {
    const redis = settings(
      readAppEnv(
        {
          ...BASE,
          PATCHWRIGHT_QUEUE: "redis",
          REDIS_URL: "redis://10.0.0.5:6379",
          PATCHWRIGHT_STATE_DIR: "/var/lib/patchwright",
          PATCHWRIGHT_DRAIN_SECONDS: "30",
          PATCHWRIGHT_RETENTION_DAYS: "3",
          PATCHWRIGHT_LEASE_SECONDS: "10",
          PATCHWRIGHT_RUN_CONCURRENCY: "4",
          PATCHWRIGHT_RECONCILE_MINUTES: "0",
        },
        "/",
      ),
    );
    expect(redis.queue).toEqual({
      backend: "redis",
      stateDir: "/var/lib/patchwright",
      redisUrl: "redis://10.0.0.5:6379",
      leaseMs: 10_000,
      maxRestarts: 2,
      retentionMs: 3 * 24 * 3600_000,
    });
    expect([redis.drainMs, redis.runConcurrency, redis.reconcileMs, redis.scheduler]).toEqual([
      30_000,
      4,
      0,
      true,
    ]);
    expect(settings(readAppEnv({ ...BASE, PATCHWRIGHT_SCHEDULER: "off" }, "/")).scheduler).toBe(false);
    expect(settings(readAppEnv(BASE, "/")).workerNice).toBe(10);
    expect(settings(readAppEnv({ ...BASE, PATCHWRIGHT_WORKER_NICE: "0" }, "/")).workerNice).toBe(0);
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_WORKER_NICE: "20" }, "/"))).toEqual([
      "PATCHWRIGHT_WORKER_NICE must be a whole number of steps of niceness from 0 to 19 (10 when unset).",
    ]);
    expect(settings(readAppEnv({ ...BASE, PATCHWRIGHT_INBOX: "off" }, "/")).inbox).toBe(false);
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_INBOX: "false" }, "/"))).toEqual([
      "PATCHWRIGHT_INBOX must be on or off (on when unset): off makes the server wait for Redis before it answers GitHub.",
    ]);
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_SCHEDULER: "no" }, "/"))).toEqual([
      "PATCHWRIGHT_SCHEDULER must be on or off (on when unset): off starts no scheduled maintenance.",
    ]);
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_QUEUE: "redis" }, "/"))).toEqual([
      "PATCHWRIGHT_QUEUE is redis but REDIS_URL is not set: set it to your Redis, such as redis://127.0.0.1:6379.",
    ]);
    expect(
      problems(
        readAppEnv(
          { ...BASE, PATCHWRIGHT_QUEUE: "kafka", PATCHWRIGHT_DRAIN_SECONDS: "soon", REDIS_URL: "10.0.0.5" },
          "/",
        ),
      ),
    ).toEqual([
      "REDIS_URL must be a redis:// or rediss:// address, such as redis://127.0.0.1:6379.",
      "PATCHWRIGHT_QUEUE must be sqlite (one machine, the default) or redis (several workers, needs REDIS_URL).",
      "PATCHWRIGHT_DRAIN_SECONDS must be a whole number of seconds from 0 to 3600 (120 when unset).",
    ]);
  });

  it("lists every problem at once, one sentence each, naming the variable and what to do", () => {
    expect(problems(readAppEnv({}, "/"))).toEqual([
      "APP_ID is not set: set it to your GitHub App's id, shown on the App's settings page.",
      "PRIVATE_KEY is not set: set it to your GitHub App's private key (the .pem file's contents), or set PRIVATE_KEY_PATH to the file.",
      "WEBHOOK_SECRET is not set: set it to the webhook secret in your GitHub App's settings, or anyone could forge GitHub's deliveries.",
      "ANTHROPIC_API_KEY is not set: add it as a secret (or environment variable) holding an Anthropic API key.",
    ]);
    // Blank is unset.
    expect(problems(readAppEnv({ ...BASE, WEBHOOK_SECRET: "  " }, "/"))).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET is not set: /),
    ]);
  });

  it("refuses Probot's public default secret", () => {
    expect(problems(readAppEnv({ ...BASE, WEBHOOK_SECRET: "development" }, "/"))).toEqual([
      "WEBHOOK_SECRET is \"development\", Probot's public default: set a secret of your own, here and in your GitHub App's settings.",
    ]);
  });

  it("never repeats a value in a problem: a key pasted into the wrong variable stays out of the logs", () => {
    const key = "sk-ant-api03-not-a-real-key";
    const said = problems(
      readAppEnv({ ...BASE, APP_ID: key, PORT: key, LOG_LEVEL: key, PATCHWRIGHT_PROVIDER: key }, "/"),
    );
    expect(said).toHaveLength(4);
    expect(said.join("\n")).not.toContain(key);
  });

  it("refuses a sandbox mode it does not know, in one sentence", () => {
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_SANDBOX: "docker" }, "/"))).toEqual([
      "PATCHWRIGHT_SANDBOX must be auto, bubblewrap, user or none (none runs commands unconfined, only for a host that is itself the sandbox).",
    ]);
    expect(readAppEnv({ ...BASE, PATCHWRIGHT_SANDBOX: "user" }, "/").ok).toBe(true);
  });

  it("names the providers on an unknown PATCHWRIGHT_PROVIDER, and checks what each provider needs", () => {
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_PROVIDER: "azure" }, "/"))).toEqual([
      "PATCHWRIGHT_PROVIDER is not a provider patchwright knows: use anthropic, bedrock or vertex (unset means anthropic).",
    ]);
    const app = without(BASE, "ANTHROPIC_API_KEY");
    expect(problems(readAppEnv({ ...app, PATCHWRIGHT_PROVIDER: "bedrock" }, "/"))).toEqual([
      "AWS_REGION is not set: set it to the AWS region where Bedrock serves the model, such as us-east-1.",
    ]);
    // AWS credentials come from the AWS chain (profiles, roles): only the region is known to be needed.
    expect(
      settings(readAppEnv({ ...app, PATCHWRIGHT_PROVIDER: "bedrock", AWS_REGION: "us-east-1" }, "/"))
        .provider,
    ).toBe("bedrock");
    expect(
      problems(readAppEnv({ ...app, PATCHWRIGHT_PROVIDER: "vertex", CLOUD_ML_REGION: "us-east5" }, "/")),
    ).toEqual([expect.stringMatching(/^ANTHROPIC_VERTEX_PROJECT_ID is not set: /)]);
    expect(
      settings(
        readAppEnv(
          {
            ...app,
            PATCHWRIGHT_PROVIDER: "vertex",
            CLOUD_ML_REGION: "us-east5",
            ANTHROPIC_VERTEX_PROJECT_ID: "p",
          },
          "/",
        ),
      ).provider,
    ).toBe("vertex");
    expect(settings(readAppEnv({ ...BASE, PATCHWRIGHT_PROVIDER: "" }, "/")).provider).toBe("anthropic");
  });

  it("accepts the private key in the forms Probot accepts, and from PRIVATE_KEY_PATH relative to the start folder", () => {
    const escaped = RSA_KEY.trim().replace(/\n/g, "\\n");
    const oneLine = RSA_KEY.trim().replace(/\n/g, " ");
    const base64 = Buffer.from(RSA_KEY).toString("base64");
    for (const form of [escaped, oneLine, base64]) {
      const key = settings(readAppEnv({ ...BASE, PRIVATE_KEY: form }, "/")).privateKey;
      expect(key.replace(/\s+/g, "")).toBe(RSA_KEY.replace(/\s+/g, ""));
    }
    const dir = tempDir();
    writeFiles(dir, { "keys/app.pem": RSA_KEY });
    const app = without(BASE, "PRIVATE_KEY");
    expect(settings(readAppEnv({ ...app, PRIVATE_KEY_PATH: "keys/app.pem" }, dir)).privateKey).toBe(RSA_KEY);
    expect(problems(readAppEnv({ ...app, PRIVATE_KEY_PATH: "keys/missing.pem" }, dir))).toEqual([
      "PRIVATE_KEY_PATH names a file that cannot be read (ENOENT): point it at the App's .pem file, or set PRIVATE_KEY to its contents.",
    ]);
    expect(problems(readAppEnv({ ...app, PRIVATE_KEY_PATH: join(dir, "keys") }, dir))).toEqual([
      expect.stringMatching(/^PRIVATE_KEY_PATH names a file that cannot be read \(EISDIR\)/),
    ]);
  });

  it("refuses a private key that is not one, or not an RSA key, at start rather than at the first API call", () => {
    const ec = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }).privateKey;
    for (const key of [
      "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----",
      "hunter2",
      ec,
    ]) {
      expect(problems(readAppEnv({ ...BASE, PRIVATE_KEY: key }, "/"))).toEqual([
        "PRIVATE_KEY is not a usable private key: use the .pem file generated in your GitHub App's settings, BEGIN and END lines included.",
      ]);
    }
  });

  it("reads the server's settings, GitHub Enterprise Server's API and the log's", () => {
    const env = settings(
      readAppEnv(
        {
          ...BASE,
          HOST: "0.0.0.0",
          PORT: "0",
          WEBHOOK_PATH: "/hooks",
          GHE_HOST: "github.example.com",
          LOG_LEVEL: "debug",
          LOG_FORMAT: "json",
          LOG_LEVEL_IN_STRING: "true",
        },
        "/",
      ),
    );
    expect(env).toMatchObject({
      host: "0.0.0.0",
      port: 0,
      webhookPath: "/hooks",
      baseUrl: "https://github.example.com/api/v3",
      log: { level: "debug", format: "json", levelInString: true },
    });
    expect(
      settings(readAppEnv({ ...BASE, GHE_HOST: "ghe.local:8080", GHE_PROTOCOL: "http" }, "/")).baseUrl,
    ).toBe("http://ghe.local:8080/api/v3");
    expect(
      problems(
        readAppEnv(
          {
            ...BASE,
            GHE_HOST: "https://github.example.com/",
            PORT: "70000",
            WEBHOOK_PATH: "hooks",
            LOG_FORMAT: "xml",
          },
          "/",
        ),
      ),
    ).toEqual([
      "PORT is not a port number: set it to a number from 0 to 65535.",
      "WEBHOOK_PATH must start with /, such as /api/github/webhooks.",
      "GHE_HOST is not a host name: set it to your GitHub Enterprise Server's host alone, such as github.example.com (no https://, no path).",
      "LOG_FORMAT must be json or pretty.",
    ]);
  });

  it("warns that WEBHOOK_PROXY_URL is no longer read, and how to forward a channel instead", () => {
    const result = readAppEnv({ ...BASE, WEBHOOK_PROXY_URL: "https://smee.io/abc" }, "/");
    expect(result).toMatchObject({
      ok: true,
      warnings: [expect.stringMatching(/^WEBHOOK_PROXY_URL is no longer read: /)],
    });
  });

  it("derives the plan key from the private key, or from PATCHWRIGHT_PLAN_SECRET, and refuses a short secret", () => {
    const key = (env: Record<string, string>) => settings(readAppEnv(env, "/")).planKey;
    const derived = key(BASE);
    expect(derived).toHaveLength(32);
    // The same key however it is written (PKCS#1 or PKCS#8, PEM lines joined by \n): the same plan key.
    const pkcs8 = createPrivateKey(RSA_KEY).export({ type: "pkcs8", format: "pem" }).toString();
    expect(key({ ...BASE, PRIVATE_KEY: pkcs8.replace(/\n/g, "\\n") })).toEqual(derived);
    // A secret that is set wins, whichever private key the App has.
    const secret = "s".repeat(32);
    expect(key({ ...BASE, PATCHWRIGHT_PLAN_SECRET: secret })).not.toEqual(derived);
    expect(key({ ...BASE, PATCHWRIGHT_PLAN_SECRET: secret })).toEqual(
      key({ ...BASE, PATCHWRIGHT_PLAN_SECRET: secret, PRIVATE_KEY: pkcs8 }),
    );
    expect(problems(readAppEnv({ ...BASE, PATCHWRIGHT_PLAN_SECRET: "short-secret" }, "/"))).toEqual([
      "PATCHWRIGHT_PLAN_SECRET is shorter than 32 characters: set it to a long random value, such as the output of `openssl rand -hex 32`, or leave it unset to derive one from the App's private key.",
    ]);
  });
});
