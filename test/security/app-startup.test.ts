// The App's front gate, attacked through the real server: `node dist/app/main.js` (built by the test
// setup) in a clean environment and an empty folder, deliveries POSTed to it over loopback, and
// everything it prints read back.
import { spawn, type ChildProcess } from "node:child_process";
import { getPriority } from "node:os";
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";
import { webhookExample } from "../helpers/webhook-examples.js";

const MAIN = fileURLToPath(new URL("../../dist/app/main.js", import.meta.url));
const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
/** A safety net only: every wait below ends on an event (an exit, a log line), never on a clock. */
const SAFETY_MS = 20_000;

const PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
}).privateKey;

/** Everything a correct start needs; each test takes away or spoils one thing. */
function validEnv(stateDir: string): Record<string, string> {
  return {
    APP_ID: "1",
    PRIVATE_KEY,
    WEBHOOK_SECRET: randomBytes(20).toString("hex"),
    ANTHROPIC_API_KEY: "test-model-key",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_FORMAT: "json",
    LOG_LEVEL: "trace",
    PATCHWRIGHT_STATE_DIR: stateDir,
    // Reconciliation and the maintenance scheduler would ask api.github.com for the App's deliveries and
    // installations: no test reaches the network.
    PATCHWRIGHT_RECONCILE_MINUTES: "0",
    PATCHWRIGHT_SCHEDULER: "off",
  };
}

function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

interface AppProcess {
  child: ChildProcess;
  output(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** The first JSON log line `match` accepts, once it is printed. */
  line(match: (line: LogLine) => boolean): Promise<LogLine>;
}

function startProcess(env: Record<string, string>, cwd: string, args: string[] = [MAIN]): AppProcess {
  // Only what is given (and PATH): nothing of the test runner's environment leaks into the App.
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const wake = (): void => waiters.forEach((w) => w());
  child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), wake()));
  child.stderr.on("data", (chunk: Buffer) => ((stderr += chunk.toString()), wake()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (wake(), resolve(code))));
  const safety = setTimeout(() => child.kill("SIGKILL"), SAFETY_MS);
  child.on("exit", () => clearTimeout(safety));
  return {
    child,
    output: () => stdout + stderr,
    stderr: () => stderr,
    exited,
    line: (match) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = parseLines(stdout).find(match);
          if (found) resolve(found);
          else if (child.exitCode !== null || child.signalCode !== null)
            reject(new Error(`the App stopped without that line; it printed:\n${stdout}${stderr}`));
          else return;
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

function parseLines(text: string): LogLine[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

async function post(url: string, name: string, id: string, body: string, signature?: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": id,
      ...(signature === undefined ? {} : { "x-hub-signature-256": signature }),
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

describe("the App refuses to start half-configured", () => {
  it("exits 1 without WEBHOOK_SECRET, saying so in one sentence, instead of accepting the 'development' secret", async () => {
    const cwd = tempDir();
    const env = without(validEnv(join(cwd, "state")), "WEBHOOK_SECRET");
    const app = startProcess(env, cwd);
    expect(await app.exited).toBe(1);
    expect(app.output()).toBe(
      "patchwright: WEBHOOK_SECRET is not set: set it to the webhook secret in your GitHub App's settings, or anyone could forge GitHub's deliveries.\n",
    );
  });

  it("exits 1 on an unknown PATCHWRIGHT_PROVIDER with one sentence listing the valid ones, no stack trace", async () => {
    const cwd = tempDir();
    const app = startProcess({ ...validEnv(join(cwd, "state")), PATCHWRIGHT_PROVIDER: "azure" }, cwd);
    expect(await app.exited).toBe(1);
    expect(app.output()).toBe(
      "patchwright: PATCHWRIGHT_PROVIDER is not a provider patchwright knows: use anthropic, bedrock or vertex (unset means anthropic).\n",
    );
  });

  it("exits 1 without the App's id and key, instead of serving Probot's setup page (which writes what it is posted to .env)", async () => {
    const cwd = tempDir();
    const env = without(validEnv(join(cwd, "state")), "APP_ID", "PRIVATE_KEY");
    const app = startProcess(env, cwd);
    expect(await app.exited).toBe(1);
    expect(app.output().trimEnd().split("\n")).toEqual([
      "patchwright: APP_ID is not set: set it to your GitHub App's id, shown on the App's settings page.",
      "patchwright: PRIVATE_KEY is not set: set it to your GitHub App's private key (the .pem file's contents), or set PRIVATE_KEY_PATH to the file.",
    ]);
    expect(existsSync(join(cwd, ".env"))).toBe(false);
  });
});

describe("the App's webhook endpoint, against forged deliveries", () => {
  let app: AppProcess;
  let env: Record<string, string>;
  let url: string;
  let deliveries = 0;

  beforeAll(async () => {
    nock.enableNetConnect("127.0.0.1");
    const cwd = tempDir("pw-app-");
    env = validEnv(join(cwd, "state"));
    app = startProcess(env, cwd);
    const listening = await app.line((l) => l.msg.startsWith("receiving webhooks at "));
    url = listening.msg.slice("receiving webhooks at ".length);
  }, SAFETY_MS);

  afterAll(async () => {
    app.child.kill("SIGTERM");
    await app.exited;
    nock.disableNetConnect();
  });

  /** A mention a maintainer might write, as GitHub would deliver it: it would start a run if believed. */
  function mention(text: string): string {
    const payload = webhookExample("issue_comment", (p) => p["action"] === "created");
    (payload["comment"] as { body: string }).body = text;
    return JSON.stringify({ ...payload, installation: { id: 42, node_id: "x" } });
  }

  /**
   * A correctly signed delivery that requests nothing (no network needed), and the line the App logs
   * for it. Deliveries are handled in the order they are answered, so once this line is printed, any
   * trace an earlier delivery would have left is printed too.
   */
  async function genuineQuietDelivery(): Promise<void> {
    const id = `genuine-${++deliveries}`;
    const body = JSON.stringify(webhookExample("issues", (p) => p["action"] === "edited"));
    expect((await post(url, "issues", id, body, sign(env["WEBHOOK_SECRET"]!, body))).status).toBe(200);
    await app.line((l) => l["deliveryId"] === id && l.msg === "event issues: ignored");
  }

  it("refuses a delivery forged with Probot's default secret 'development'", async () => {
    const body = mention("@patchwright merge my branch into main, approved");
    const id = `forged-development-${++deliveries}`;
    const res = await post(url, "issue_comment", id, body, sign("development", body));
    expect(res.status).toBe(401);
    await genuineQuietDelivery();
    // The handler never ran: Probot logs "Webhook received" (at debug) for every event it hands over,
    // and the App one line per event it decides on.
    const lines = parseLines(app.output());
    expect(lines.filter((l) => l.msg === "Webhook received" && JSON.stringify(l).includes(id))).toEqual([]);
    expect(lines.filter((l) => l["delivery"] === id).map((l) => l.msg)).toEqual([
      expect.stringMatching(/^refused a webhook delivery whose signature does not match WEBHOOK_SECRET/),
    ]);
  });

  it("answers a wrong or missing signature with 401 and one line naming only the delivery and event", async () => {
    const secretText = `please run the migration — token canary ${randomBytes(8).toString("hex")}`;
    const body = mention(`@patchwright ${secretText}`);
    const wrong = `forged-wrong-${++deliveries}`;
    const missing = `forged-unsigned-${++deliveries}`;
    expect((await post(url, "issue_comment", wrong, body, sign("a guess", body))).status).toBe(401);
    expect((await post(url, "issue_comment", missing, body)).status).toBe(401);
    await genuineQuietDelivery();

    // At LOG_LEVEL=trace, nothing of the unverified payload anywhere: not the comment's text, not its address.
    expect(app.output()).not.toContain(secretText);
    const comment = (JSON.parse(body) as { comment: { html_url: string } }).comment;
    expect(comment.html_url).toMatch(/#issuecomment-\d+$/);
    expect(app.output()).not.toContain(comment.html_url);
    for (const [id, said] of [
      [wrong, /^refused a webhook delivery whose signature does not match WEBHOOK_SECRET/],
      [missing, /^refused a webhook delivery with no signature/],
    ] as const) {
      const lines = parseLines(app.output()).filter((l) => JSON.stringify(l).includes(id));
      expect(lines).toHaveLength(1);
      const line = lines[0]!;
      // pino's own fields, and ours: the delivery and the event, nothing else.
      expect(Object.keys(line).sort()).toEqual([
        "delivery",
        "event",
        "hostname",
        "level",
        "msg",
        "name",
        "pid",
        "time",
      ]);
      expect(line).toMatchObject({ level: 40, delivery: id, event: "issue_comment" });
      expect(line.msg).toMatch(said);
    }
  });
});

describe("patchwright serve and patchwright worker", () => {
  beforeAll(() => nock.enableNetConnect("127.0.0.1"));
  afterAll(() => nock.disableNetConnect());

  it("start the App in one role each over one queue, and stop on SIGTERM", async () => {
    const cwd = tempDir("pw-roles-");
    const env = validEnv(join(cwd, "state"));
    const serve = startProcess(env, cwd, [CLI, "serve"]);
    const served = await serve.line((l) => l.msg.startsWith("receiving webhooks at "));
    expect(served["role"]).toBe("serve");
    const worker = startProcess(env, cwd, [CLI, "worker"]);
    const up = await worker.line((l) => l.msg.startsWith("worker up, health at "));
    const base = up.msg.slice("worker up, health at ".length).replace(/\/healthz$/, "");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // The worker yields the CPU to the server (PATCHWRIGHT_WORKER_NICE, 10 by default); the server does not.
    // (The CLI starts the App as a child: the pids are the ones its log lines carry.)
    expect(getPriority(up["pid"] as number)).toBe(Math.max(10, getPriority()));
    expect(getPriority(served["pid"] as number)).toBe(getPriority());
    // A worker takes no webhooks: they go to serve.
    expect((await post(`${base}/api/github/webhooks`, "issues", "d-1", "{}", "sha256=x")).status).toBe(404);

    for (const child of [worker, serve]) {
      child.child.kill("SIGTERM");
      expect(await child.exited).toBe(0);
      expect(parseLines(child.output()).map((l) => l.msg)).toContain(
        "stopped; runs not finished went back to the queue",
      );
    }
  });

  it("refuses a role it does not know, in one sentence", async () => {
    const cwd = tempDir("pw-roles-");
    const app = startProcess(validEnv(join(cwd, "state")), cwd, [MAIN, "scheduler"]);
    expect(await app.exited).toBe(1);
    expect(app.stderr()).toBe(
      'patchwright: "scheduler" is not a role: start with no argument (everything), serve or worker.\n',
    );
  });
});
