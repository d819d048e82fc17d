import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { appJwtSigner } from "../../src/app/app-jwt.js";
import { PatchwrightOctokit } from "../../src/app/octokit.js";

// PKCS#1, as GitHub hands App keys out.
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function claims(jwt: string): { iat: number; exp: number; iss: number | string } {
  const [header, payload, signature] = jwt.split(".");
  expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT" });
  const signed = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    createPublicKey(privateKey),
    Buffer.from(signature!, "base64url"),
  );
  expect(signed).toBe(true);
  return JSON.parse(Buffer.from(payload!, "base64url").toString()) as ReturnType<typeof claims>;
}

describe("the App's JWT", () => {
  it("is signed once and reused until a minute before it expires, then signed again", async () => {
    let now = Date.UTC(2026, 11, 4, 12, 0, 0);
    const createJwt = appJwtSigner(privateKey, () => now);
    const first = await createJwt(42);
    expect(claims(first.jwt)).toEqual({ iat: now / 1000 - 30, exp: now / 1000 - 30 + 600, iss: 42 });
    expect(first.expiresAt).toBe(new Date(now - 30_000 + 600_000).toISOString());

    now += 508_000; // 62 s before it expires
    expect((await createJwt(42)).jwt).toBe(first.jwt);
    now += 2_000; // 60 s before
    const second = await createJwt(42);
    expect(second.jwt).not.toBe(first.jwt);
    expect(claims(second.jwt).iat).toBe(now / 1000 - 30);
    expect((await createJwt(42)).jwt).toBe(second.jwt);
  });

  it("is signed again for GitHub's clock when auth-app reports a time difference", async () => {
    const now = Date.UTC(2026, 11, 4, 12, 0, 0);
    const createJwt = appJwtSigner(privateKey, () => now);
    const ours = await createJwt(42);
    const skewed = await createJwt(42, 120);
    expect(skewed.jwt).not.toBe(ours.jwt);
    expect(claims(skewed.jwt).iat).toBe(now / 1000 + 120 - 30);
    // Still in our clock, as auth-app compares it with ours.
    expect(skewed.expiresAt).toBe(ours.expiresAt);
  });

  it("is one JWT for every App request and installation token of a Probot app, and never logged", async () => {
    const lines: string[] = [];
    const sent: { url: string; authorization: string | null }[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      sent.push({ url, authorization: new Headers(init?.headers).get("authorization") });
      const body = url.includes("/access_tokens")
        ? { token: "installation-token", expires_at: new Date(Date.now() + 3_600_000).toISOString() }
        : url.includes("/installation/repositories")
          ? { total_count: 0, repositories: [] }
          : { id: 1, slug: "patchwright" };
      return Promise.resolve(
        new Response(JSON.stringify(body), {
          status: url.includes("/access_tokens") ? 201 : 200,
          headers: { "content-type": "application/json" },
        }),
      );
    };
    const probot = new Probot({
      appId: 1,
      privateKey,
      Octokit: PatchwrightOctokit,
      // Every line Probot and Octokit write, at the most verbose level, kept here.
      log: pino({ level: "trace" }, { write: (line: string) => void lines.push(line) }),
      request: { fetch },
    });
    const app = await probot.auth();
    await app.request("GET /app");
    await app.request("GET /app");
    for (const installation of [7, 8])
      await (await probot.auth(installation)).request("GET /installation/repositories");

    const jwts = sent.filter((s) => s.authorization?.startsWith("bearer ")).map((s) => s.authorization);
    expect(sent.filter((s) => s.url.includes("/access_tokens"))).toHaveLength(2);
    expect(jwts).toHaveLength(4);
    expect(new Set(jwts).size).toBe(1);
    expect(sent.filter((s) => s.authorization === "token installation-token")).toHaveLength(2);

    const logged = lines.join("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(logged).not.toContain(jwts[0]!.slice("bearer ".length));
    // Any line of the key's body (the first is enough to be a leak).
    expect(logged).not.toContain(privateKey.split("\n")[1]!);
    expect(logged).not.toContain("PRIVATE KEY");
  });
});
