// Planted secrets and planted negatives: how each kind's value is built and written into a line of each
// language. Every secret-looking prefix is assembled at run time from parts, so this file holds no literal
// that a scanner (ours included) would report.
import { Buffer } from "node:buffer";
import { withCrc32Suffix, withWrongSuffix } from "./checksum.mjs";
import { ALNUM, B64, B64URL, BASE62, DIGITS, HEX, UPPER } from "./prng.mjs";

const P = {
  gh: (c) => "gh" + c + "_",
  ghPat: ["github", "pat", ""].join("_"),
  npm: "np" + "m_",
  xoxb: "xo" + "xb-",
  slackHook: "https://" + "hooks.slack" + ".com/services/",
  stripe: ["sk", "live", ""].join("_"),
  sendgrid: "S" + "G.",
  openai: ["sk", "proj", ""].join("-"),
  openaiMarker: Buffer.from("Open" + "AI").toString("base64"),
  anthropic: ["sk", "ant", "api03", ""].join("-"),
  gcp: "AI" + "za",
  shopify: (t) => "shp" + t + "_",
  linear: ["lin", "api", ""].join("_"),
  onepassword: "op" + "s_",
  akia: "AK" + "IA",
  pem: (edge, label) => "-----" + edge + " " + label + "-----",
};
const PK = " PRIVATE" + " KEY";
const PEM_TYPES = ["rsa", "pkcs8", "openssh", "ec"];
const AWS_ID_ALPHABET = UPPER + "234567";

/** Name words for the variable a value is assigned to; rendered camelCase, snake_case or UPPER_CASE. */
const NAMES = {
  "aws-access-key-id": [
    ["aws", "access", "key", "id"],
    ["access", "key", "id"],
  ],
  "aws-secret-access-key": [
    ["aws", "secret", "access", "key"],
    ["secret", "access", "key"],
  ],
  "github-token": [
    ["github", "token"],
    ["gh", "token"],
    ["release", "token"],
    ["bot", "github", "token"],
  ],
  "github-fine-grained": [
    ["github", "pat"],
    ["github", "token"],
    ["gh", "admin", "token"],
  ],
  "npm-token": [
    ["npm", "token"],
    ["npm", "publish", "token"],
    ["registry", "token"],
  ],
  "npmrc-auth-token": [["npm", "token"]],
  "slack-bot-token": [
    ["slack", "bot", "token"],
    ["slack", "token"],
  ],
  "slack-webhook": [
    ["slack", "webhook", "url"],
    ["alerts", "webhook"],
  ],
  "stripe-live-key": [
    ["stripe", "secret", "key"],
    ["stripe", "api", "key"],
  ],
  sendgrid: [
    ["sendgrid", "api", "key"],
    ["mail", "api", "key"],
  ],
  openai: [
    ["openai", "api", "key"],
    ["llm", "api", "key"],
  ],
  anthropic: [
    ["anthropic", "api", "key"],
    ["claude", "api", "key"],
  ],
  "private-key": [
    ["private", "key"],
    ["signing", "key"],
    ["tls", "key"],
  ],
  "basic-auth-url": [
    ["git", "remote", "url"],
    ["mirror", "url"],
    ["artifact", "url"],
  ],
  "gcp-api-key": [
    ["google", "api", "key"],
    ["maps", "api", "key"],
    ["firebase", "api", "key"],
  ],
  shopify: [
    ["shopify", "access", "token"],
    ["shopify", "token"],
  ],
  linear: [
    ["linear", "api", "key"],
    ["linear", "token"],
  ],
  onepassword: [["op", "service", "account", "token"]],
  "database-url": [
    ["database", "url"],
    ["db", "url"],
    ["mongo", "uri"],
    ["replica", "dsn"],
  ],
  "generic-password": [
    ["password"],
    ["db", "password"],
    ["admin", "password"],
    ["client", "secret"],
    ["smtp", "password"],
  ],
};

const ALL = ["ts", "js", "py", "go", "yaml", "json", "env", "sh", "md"];
const ASSIGN = ["ts", "js", "py", "go", "yaml", "json", "env", "sh"];

function rsaDer(rng, pkcs8) {
  const head = pkcs8
    ? [
        0x30, 0x82, 0x04, 0xbe, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
        0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x82, 0x04, 0xa8,
      ]
    : [0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00];
  return Buffer.concat([Buffer.from(head), rng.bytes(1180)]);
}

/** A PEM private key: { label, lines } with the base64 body wrapped at 64 (70 for OpenSSH). */
function pemKey(rng, variant) {
  const type = variant?.type ?? rng.pick(PEM_TYPES);
  let label,
    der,
    width = 64;
  if (type === "rsa") [label, der] = ["RSA" + PK, rsaDer(rng, false)];
  else if (type === "pkcs8") [label, der] = [PK.trim(), rsaDer(rng, true)];
  else if (type === "ec") {
    label = "EC" + PK;
    der = Buffer.concat([
      Buffer.from([0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20]),
      rng.bytes(32),
      Buffer.from([
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0xa1, 0x44, 0x03, 0x42, 0x00,
        0x04,
      ]),
      rng.bytes(64),
    ]);
  } else {
    [label, width] = ["OPENSSH" + PK, 70];
    der = Buffer.concat([
      Buffer.from("openssh-key-v1\0", "latin1"),
      Buffer.from([0, 0, 0, 4]),
      Buffer.from("none"),
      rng.bytes(360),
    ]);
  }
  const b64 = der.toString("base64");
  const body = [];
  for (let i = 0; i < b64.length; i += width) body.push(b64.slice(i, i + width));
  return { label, lines: [P.pem("BEGIN", label), ...body, P.pem("END", label)] };
}

function onePasswordToken(rng) {
  const obj = {
    signInAddress: `${rng.pick(["acme", "globex", "initech"])}.1password.com`,
    userAuth: { method: "SRPg-4096", alg: "PBES2g-HS256", iterations: 650000, salt: rng.chars(B64URL, 22) },
    email: `${rng.chars(ALNUM, 10).toLowerCase()}@1passwordserviceaccounts.com`,
    srpX: rng.hex(64),
    muk: {
      alg: "A256GCM",
      ext: true,
      k: rng.chars(B64URL, 43),
      key_ops: ["encrypt", "decrypt"],
      kty: "oct",
      kid: "mp",
    },
    secretKey: `A3-${rng.chars(UPPER + DIGITS, 6)}-${rng.chars(UPPER + DIGITS, 6)}-${rng.chars(UPPER + DIGITS, 5)}`,
    deviceUuid: rng.chars(ALNUM, 26).toLowerCase(),
  };
  let json = JSON.stringify(obj);
  // Pad so the last base64 quantum encodes a lone "}" and the token ends in "fQ==" like real ones.
  while (json.length % 3 !== 1) json = json.slice(0, -1) + " }";
  return P.onepassword + Buffer.from(json).toString("base64");
}

function hostName(rng) {
  return `${rng.pick(["git", "db", "pg", "mysql", "mongo", "artifacts", "nexus", "registry", "cache"])}.${rng.pick(["acme", "globex", "initech", "hooli", "contoso"])}-${rng.pick(["corp", "internal", "prod", "eu"])}.${rng.pick(["io", "net", "com", "cloud"])}`;
}

/** Positive kinds: count planted at the default size, whether secretlint's recommended preset covers it. */
export const SECRET_KINDS = {
  "aws-access-key-id": {
    count: 15,
    secretlint: false,
    langs: ALL,
    value: (r) => P.akia + r.chars(AWS_ID_ALPHABET, 16),
  },
  "aws-secret-access-key": {
    count: 15,
    secretlint: true,
    langs: ASSIGN,
    assignOnly: true,
    value: (r) => r.chars(B64, 39) + r.chars(ALNUM, 1),
  },
  "github-token": {
    count: 25,
    secretlint: true,
    langs: ALL,
    value: (r) =>
      withCrc32Suffix(
        P.gh(
          r.weighted([
            ["p", 6],
            ["o", 1],
            ["u", 1],
            ["s", 1],
            ["r", 1],
          ]),
        ),
        r.chars(BASE62, 30),
      ),
  },
  "github-fine-grained": {
    count: 15,
    secretlint: true,
    langs: ALL,
    value: (r) => P.ghPat + r.chars(ALNUM, 22) + "_" + r.chars(ALNUM, 59),
  },
  "npm-token": {
    count: 15,
    secretlint: true,
    langs: ALL,
    value: (r) => withCrc32Suffix(P.npm, r.chars(BASE62, 30)),
  },
  "npmrc-auth-token": {
    count: 12,
    secretlint: true,
    langs: ["npmrc"],
    value: (r) => (r.chance(0.5) ? withCrc32Suffix(P.npm, r.chars(BASE62, 30)) : r.uuid()),
  },
  "slack-bot-token": {
    count: 15,
    secretlint: true,
    langs: ALL,
    value: (r) => P.xoxb + r.chars(DIGITS, 12) + "-" + r.chars(DIGITS, 13) + "-" + r.chars(ALNUM, 24),
  },
  "slack-webhook": {
    count: 12,
    secretlint: true,
    langs: ALL,
    value: (r) =>
      P.slackHook +
      "T" +
      r.chars(UPPER + DIGITS, 10) +
      "/B" +
      r.chars(UPPER + DIGITS, 10) +
      "/" +
      r.chars(ALNUM, 24),
  },
  "stripe-live-key": {
    count: 15,
    secretlint: false,
    langs: ALL,
    value: (r) => P.stripe + (r.chance(0.5) ? r.chars(ALNUM, 24) : "51" + r.chars(ALNUM, 97)),
  },
  sendgrid: {
    count: 12,
    secretlint: true,
    langs: ALL,
    value: (r) => P.sendgrid + r.chars(ALNUM, 22) + "." + r.chars(ALNUM, 43),
  },
  openai: {
    count: 15,
    secretlint: true,
    langs: ALL,
    value: (r) => P.openai + r.chars(B64URL, 74) + P.openaiMarker + r.chars(B64URL, 74),
  },
  anthropic: {
    count: 15,
    secretlint: true,
    langs: ALL,
    value: (r) => P.anthropic + r.chars(B64URL, 93) + "AA",
  },
  "private-key": {
    // Every key type in every container once: key files, YAML blocks, template literals, Python strings, JSON.
    count: 20,
    secretlint: true,
    langs: ["pem", "yaml", "ts", "py", "json"],
    variants: ["pem", "yaml", "ts", "py", "json"].flatMap((lang) =>
      PEM_TYPES.map((type) => ({ lang, type })),
    ),
    value: pemKey,
  },
  "basic-auth-url": {
    count: 15,
    secretlint: true,
    langs: ALL,
    value: (r) =>
      "https://" +
      r.pick(["deploy", "ci-bot", "jenkins", "mirror", "svc_build"]) +
      ":" +
      r.chars(ALNUM, r.range(16, 24)) +
      "@" +
      hostName(r) +
      "/" +
      r.pick(["acme/api.git", "simple/", "repository/npm-private/", "v2/"]),
  },
  "gcp-api-key": { count: 15, secretlint: false, langs: ALL, value: (r) => P.gcp + r.chars(B64URL, 35) },
  shopify: {
    count: 12,
    secretlint: true,
    langs: ALL,
    value: (r) => P.shopify(r.pick(["at", "ca", "pa", "ss"])) + r.chars(HEX, 32),
  },
  linear: { count: 12, secretlint: true, langs: ALL, value: (r) => P.linear + r.chars(ALNUM, 40) },
  onepassword: { count: 10, secretlint: true, langs: ALL, value: onePasswordToken },
  "database-url": {
    count: 18,
    secretlint: true,
    langs: ASSIGN,
    assignOnly: true,
    value: (r) => {
      const scheme = r.pick(["postgres", "postgresql", "mysql", "mongodb+srv"]);
      const port = { postgres: ":5432", postgresql: ":5432", mysql: ":3306" }[scheme] ?? "";
      return (
        scheme +
        "://" +
        r.pick(["app_rw", "billing", "svc_orders", "analytics"]) +
        ":" +
        r.chars(ALNUM + "-_", r.range(14, 24)) +
        "@" +
        hostName(r) +
        port +
        "/" +
        r.pick(["orders", "billing", "app", "events"])
      );
    },
  },
  "generic-password": {
    count: 20,
    secretlint: false,
    langs: ASSIGN,
    assignOnly: true,
    value: (r) => r.chars(ALNUM + "!#%^*-_+=", r.range(20, 28)),
  },
};

const NEG_NAMES = [
  ["github", "token"],
  ["npm", "token"],
  ["stripe", "secret", "key"],
  ["db", "password"],
  ["api", "key"],
  ["slack", "bot", "token"],
  ["openai", "api", "key"],
  ["client", "secret"],
  ["password"],
  ["auth", "token"],
];
const upperName = (words) => words.join("_").toUpperCase();

/** Negative kinds: values that only look like secrets. None of them may be reported. */
export const NEGATIVE_KINDS = {
  "placeholder-env": {
    count: 15,
    langs: ["ts", "py", "yaml", "env", "sh", "md", "json"],
    value: (r, words) => "${" + upperName(words) + "}",
  },
  "placeholder-gha": {
    count: 15,
    langs: ["yaml", "yaml", "md"],
    value: (r, words) => "${{ secrets." + upperName(words) + " }}",
  },
  "placeholder-angle": {
    count: 15,
    langs: ["env", "yaml", "md", "py", "ts", "json", "sh"],
    value: (r, words) => "<your-" + words.join("-") + ">",
  },
  "placeholder-mask": {
    count: 15,
    langs: ["env", "md", "yaml", "ts", "py"],
    value: (r) =>
      r.pick([
        P.stripe + "x".repeat(24),
        P.gh("p") + "x".repeat(36),
        "*".repeat(12),
        P.openai + "X".repeat(48),
        P.xoxb + "xxxx-xxxx-xxxxxxxx",
      ]),
  },
  "placeholder-word": {
    count: 15,
    langs: ["env", "yaml", "py", "ts", "json"],
    value: (r) =>
      r.pick([
        "changeme",
        "your-api-key-here",
        "replace_me",
        "dummy-token-for-tests",
        "insert-your-key",
        "REDACTED",
      ]),
  },
  "aws-example-key": {
    count: 15,
    langs: ["md", "env", "py", "sh", "yaml"],
    value: (r, words, kindOut) => {
      if (r.chance(0.5)) {
        kindOut.words = ["aws", "access", "key", "id"];
        return P.akia + "IOSFODNN7" + "EXAMPLE";
      }
      kindOut.words = ["aws", "secret", "access", "key"];
      return "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY";
    },
  },
  "env-lookup": { count: 15, langs: ["ts", "js", "py", "go"], envLookup: true },
  "github-bad-checksum": {
    count: 15,
    names: [
      ["github", "token"],
      ["gh", "token"],
    ],
    langs: ["ts", "py", "yaml", "env", "json", "md", "sh"],
    value: (r) => withWrongSuffix(P.gh("p"), r.chars(BASE62, 30), r),
  },
  "npm-bad-checksum": {
    count: 10,
    names: [["npm", "token"]],
    langs: ["ts", "yaml", "env", "json", "md", "sh", "npmrc"],
    value: (r) => withWrongSuffix(P.npm, r.chars(BASE62, 30), r),
  },
};

const camel = (w) => w.map((s, i) => (i ? s[0].toUpperCase() + s.slice(1) : s)).join("");
const pascal = (w) => w.map((s) => s[0].toUpperCase() + s.slice(1)).join("");
const snake = (w) => w.join("_");

/** One assignment of `value` to a variable named from `words`, in the idiom of `lang`. */
export function assignment(rng, lang, words, value, indent, assignOnly = false) {
  const forms = {
    ts: [
      `const ${camel(words)} = "${value}";`,
      `${camel(words)}: "${value}",`,
      `export const ${upperName(words)} = '${value}';`,
    ],
    js: [
      `const ${camel(words)} = "${value}";`,
      `${camel(words)}: '${value}',`,
      `module.exports.${camel(words)} = "${value}";`,
    ],
    py: [
      `${upperName(words)} = "${value}"`,
      `${snake(words)} = '${value}'`,
      `"${snake(words)}": "${value}",`,
    ],
    go: [`var ${camel(words)} = "${value}"`, `${pascal(words)}: "${value}",`],
    yaml: [`${upperName(words)}: "${value}"`, `${snake(words)}: ${value}`],
    json: [`"${camel(words)}": "${value}",`],
    env: [`${upperName(words)}=${value}`, `${upperName(words)}="${value}"`],
    sh: [`export ${upperName(words)}="${value}"`, `${upperName(words)}='${value}'`],
    npmrc: [`//registry.npmjs.org/:_authToken=${value}`, `//npm.pkg.github.com/:_authToken=${value}`],
    md: assignOnly
      ? [`    ${upperName(words)}=${value}`]
      : [
          `    export ${upperName(words)}=${value}`,
          `The staging bot uses \`${value}\` until the rotation lands.`,
          `| ${upperName(words)} | \`${value}\` | staging |`,
        ],
  };
  return indent + rng.pick(forms[lang]);
}

/**
 * Renders one planted secret of `kind` for a file in `lang`. Returns the text to insert (may span lines) and
 * where the secret sits inside it: `lineOffset` (0-based) and `span` (lines the secret covers).
 */
export function renderSecret(rng, kind, lang, indent, variant) {
  const spec = SECRET_KINDS[kind];
  const words = rng.pick(NAMES[kind]);
  const value = spec.value(rng, variant);
  if (kind === "private-key") {
    const { lines } = value;
    if (lang === "pem") return { text: lines.join("\n"), lineOffset: 0, span: lines.length };
    if (lang === "json")
      return { text: `${indent}"private_key": "${lines.join("\\n")}\\n",`, lineOffset: 0, span: 1 };
    if (lang === "yaml") {
      const inner = indent + "  ";
      return {
        text: [`${indent}${snake(words)}: |`, ...lines.map((l) => inner + l)].join("\n"),
        lineOffset: 1,
        span: lines.length,
      };
    }
    if (lang === "py")
      return {
        text: [`${indent}${upperName(words)} = """${lines[0]}`, ...lines.slice(1), `"""`].join("\n"),
        lineOffset: 0,
        span: lines.length,
      };
    return {
      text: [
        `${indent}const ${camel(words)} = \`${lines[0]}`,
        ...lines.slice(1, -1),
        `${lines.at(-1)}\`;`,
      ].join("\n"),
      lineOffset: 0,
      span: lines.length,
    };
  }
  if (kind === "basic-auth-url" && lang === "sh") {
    return {
      text: `${indent}git ${rng.pick(["clone", "remote add origin", "push --mirror"])} ${value}`,
      lineOffset: 0,
      span: 1,
    };
  }
  return { text: assignment(rng, lang, words, value, indent, spec.assignOnly), lineOffset: 0, span: 1 };
}

/** Renders one planted negative of `kind` for `lang` (always one line). */
export function renderNegative(rng, kind, lang, indent) {
  const spec = NEGATIVE_KINDS[kind];
  const words = rng.pick(spec.names ?? NEG_NAMES);
  if (spec.envLookup) {
    const env = upperName(words);
    const forms = {
      ts: [
        `const ${camel(words)} = process.env.${env};`,
        `${camel(words)}: process.env.${env} ?? "",`,
        `const ${camel(words)} = import.meta.env.VITE_${env};`,
      ],
      js: [`const ${camel(words)} = process.env.${env} || "";`, `${camel(words)}: process.env["${env}"],`],
      py: [`${snake(words)} = os.environ["${env}"]`, `${upperName(words)} = os.getenv("${env}", "")`],
      go: [`${camel(words)} := os.Getenv("${env}")`, `${pascal(words)}: os.Getenv("${env}"),`],
    };
    return indent + rng.pick(forms[lang]);
  }
  const out = { words };
  const value = spec.value(rng, words, out);
  return assignment(rng, lang, out.words, value, indent, true);
}
