import { describe, expect, it } from "vitest";
import { SECRET_RULES } from "../../src/guard/rules/secrets/index.js";
import { B64URL, DIGITS, HEX, Random, base64url, scan } from "./rules/fixtures.js";

const r = new Random(8080);
// Prefixes split so that no line of this file holds a token prefix next to a body.
const AIZA = "AI" + "za";
const googleKey = (): string => AIZA + r.str(35, B64URL);
const jwt = (payload: object): string =>
  [
    base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
    base64url(JSON.stringify(payload)),
    r.str(43, B64URL),
  ].join(".");
const ids = (text: string, path = "src/app.ts"): string[] =>
  scan(SECRET_RULES, text, path).map((f) => f.ruleId);

/** A Firebase web config as the console hands it out, with `key` as its apiKey. */
function firebaseConfig(key: string): string {
  return [
    'import { initializeApp } from "firebase/app";',
    "",
    "const firebaseConfig = {",
    `  apiKey: "${key}",`,
    '  authDomain: "shop-demo.firebaseapp.com",',
    '  projectId: "shop-demo",',
    '  storageBucket: "shop-demo.appspot.com",',
    `  messagingSenderId: "${r.str(12, DIGITS)}",`,
    `  appId: "1:${r.str(12, DIGITS)}:web:${r.str(22, HEX)}",`,
    "};",
    "",
    "export const app = initializeApp(firebaseConfig);",
    "",
  ].join("\n");
}

describe("placeholders are not leaks (all rules)", () => {
  it.each<[string, string, string?]>([
    ["xxxx in a provider format", `ANTHROPIC_API_KEY=sk-ant-api03-${"x".repeat(95)}\n`, "deploy/env.sh"],
    [
      "<token>",
      `const token = "<token>";\ncurl -H "Authorization: Bearer <token>" https://api.example.org\n`,
    ],
    ["${VAR}", `password = "\${DB_PASSWORD}"\nSLACK_TOKEN: \${SLACK_TOKEN}\n`, "config.yml"],
    ["$(VAR) and #{VAR}", `api_key: $(System.AccessToken)\ntoken: "#{DeployToken}"\n`, "pipeline.yml"],
    [
      "abcd1234…",
      `api_key = "abcd1234abcd1234abcd1234"\nANTHROPIC_API_KEY=sk-ant-api03-${"abcd1234".repeat(12)}\n`,
    ],
    ["abcd1234efgh… in a live key", `STRIPE_SECRET_KEY=sk_live_abcd1234efgh5678ijkl9012\n`, "deploy/env.sh"],
    [
      "1234567890…",
      `aws_access_key_id = AKIA1234567890123456\nSLACK_BOT_TOKEN=xoxb-1234567890-1234567890-abcdefghijklmnopqrstuvwx\n`,
    ],
    [
      "repeated characters",
      `STRIPE_SECRET_KEY=sk_live_${"0".repeat(24)}\nGITLAB_TOKEN=glpat-${"0".repeat(20)}\n`,
      "ci.sh",
    ],
    [
      "REPLACE_ME",
      `SECRET_KEY=REPLACE_ME_WITH_A_LONG_RANDOM_VALUE\ntoken: "replace-me-with-a-real-token"\n`,
      "config.yml",
    ],
    ["put your key here", `api_key = "PUT_YOUR_KEY_HERE_1234"\n`, "settings.py"],
  ])("%s", (_name, text, path) => {
    expect(ids(text, path)).toEqual([]);
  });

  it("still reports a random value in the same places", () => {
    expect(ids(`ANTHROPIC_API_KEY=sk-ant-api03-${r.str(95, B64URL)}\n`, "deploy/env.sh")).toEqual([
      "anthropic-api-key",
    ]);
    expect(ids(`STRIPE_SECRET_KEY=sk_live_${r.str(24)}\n`, "deploy/env.sh")).toEqual(["stripe-secret-key"]);
    expect(ids(`api_key = "${r.str(24)}"\n`)).toEqual(["generic-secret-assignment"]);
  });
});

describe("public-by-design keys are not leaks", () => {
  it("a Firebase web API key in the SDK's config snippet", () => {
    expect(ids(firebaseConfig(googleKey()), "web/src/firebase.ts")).toEqual([]);
    const json = `{\n  "firebase": {\n    "apiKey": "${googleKey()}",\n    "authDomain": "demo.firebaseapp.com",\n    "projectId": "demo"\n  }\n}\n`;
    expect(ids(json, "web/config.json")).toEqual([]);
  });

  it("under a framework's public FIREBASE_API_KEY name, and in Firebase's own files", () => {
    expect(
      ids(
        `NEXT_PUBLIC_FIREBASE_API_KEY=${googleKey()}\nVITE_FIREBASE_API_KEY=${googleKey()}\n`,
        "web/env.ts",
      ),
    ).toEqual([]);
    const services = `{\n  "client": [\n    {\n      "api_key": [\n        { "current_key": "${googleKey()}" }\n      ]\n    }\n  ]\n}\n`;
    expect(ids(services, "android/app/google-services.json")).toEqual([]);
    const plist = `<key>API_KEY</key>\n<string>${googleKey()}</string>\n`;
    expect(ids(plist, "ios/Runner/GoogleService-Info.plist")).toEqual([]);
  });

  it("attack: the same key format as a Gemini or server key is still reported", () => {
    // A server's setting, without a web framework's public prefix.
    expect(ids(`FIREBASE_API_KEY=${googleKey()}\n`, "deploy/env/api.env")).toEqual(["google-api-key"]);
    // Next to a Firebase config, under another name.
    const beside = `${firebaseConfig(googleKey())}\nexport const GEMINI_API_KEY = "${googleKey()}";\n`;
    expect(ids(beside, "web/src/firebase.ts")).toEqual(["google-api-key"]);
    // As an apiKey with no Firebase config around it.
    expect(ids(`const genAI = new GoogleGenerativeAI({ apiKey: "${googleKey()}" });\n`)).toEqual([
      "google-api-key",
    ]);
    // A Firebase config far away in the same file is not this key's config.
    const far = `const maps = { apiKey: "${googleKey()}" };\n${"// unrelated code\n".repeat(60)}${firebaseConfig(googleKey())}`;
    expect(ids(far, "web/src/keys.ts")).toEqual(["google-api-key"]);
    // Firebase's file name elsewhere in a path is not Firebase's file.
    expect(ids(`key = "${googleKey()}"\n`, "google-services.json.bak/notes.txt")).toEqual(["google-api-key"]);
  });

  it("Stripe publishable keys, Mapbox public tokens and Supabase publishable and anon keys", () => {
    expect(ids(`const stripeApiKey = "pk_live_${r.str(24)}";\n`)).toEqual([]);
    expect(ids(`mapboxgl.accessToken = "pk.eyJ1Ijoi${r.str(20)}.${r.str(22, B64URL)}";\n`)).toEqual([]);
    expect(ids(`const supabase_token = "sb_publishable_${r.str(32)}";\n`)).toEqual([]);
    const anon = jwt({ iss: "supabase", ref: r.str(20).toLowerCase(), role: "anon", iat: 1700000000 });
    expect(ids(`export const supabaseKey = "${anon}";\n`)).toEqual([]);
  });

  it("attack: their secret siblings are still reported", () => {
    expect(ids(`const stripeApiKey = "sk_live_${r.str(24)}";\n`)).toEqual(["stripe-secret-key"]);
    const service = jwt({
      iss: "supabase",
      ref: r.str(20).toLowerCase(),
      role: "service_role",
      iat: 1700000000,
    });
    expect(ids(`export const supabaseKey = "${service}";\n`)).toEqual(["jwt"]);
  });

  it("keys published as examples in vendors' documentation", () => {
    const docs = [
      'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"',
      'const stripe = Stripe("pk_test_TYooMQauvdEDq54NiTphI7jx");',
      "TELEGRAM_BOT_TOKEN=110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
      '"access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",',
      "curl -s --user 'api:key-3ax6xnjp29jd6fds4gc373sgvjxteol0' https://api.mailgun.net/v3/domains",
      "GOOGLE_API_KEY=AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    ];
    for (const line of docs) expect(ids(`${line}\n`, "README.md"), line).toEqual([]);
  });
});

describe("wrong-format look-alikes are not leaks", () => {
  const secret = (): string => "AA" + r.str(33, B64URL);

  it("a Telegram bot token whose id is too short or too long to have been issued", () => {
    expect(ids(`TELEGRAM_BOT_TOKEN=123456:${secret()}\n`, "deploy/env.sh")).toEqual([]);
    expect(ids(`bot_token = "98765:${secret()}"\n`, "bot.py")).toEqual([]);
    expect(ids(`TELEGRAM_TOKEN=123456789012:${secret()}\n`, "deploy/env.sh")).toEqual([]);
    expect(ids(`https://api.telegram.org/bot4242:${secret()}/getMe\n`)).toEqual([]);
  });

  it("attack: a well-formed one is still reported, in either place", () => {
    expect(
      ids(`TELEGRAM_BOT_TOKEN=${7000000000 + Number(r.str(8, DIGITS))}:${secret()}\n`, "deploy/env.sh"),
    ).toEqual(["telegram-bot-token"]);
    expect(
      ids(`https://api.telegram.org/bot${r.str(1, "123456789")}${r.str(8, DIGITS)}:${secret()}/getMe\n`),
    ).toEqual(["telegram-bot-token"]);
  });
});
