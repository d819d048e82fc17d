import { describe, expect, it } from "vitest";
import { SECRET_RULES } from "../../../src/guard/rules/secrets/index.js";
import { ALNUM, B64, B64URL, HEX, Random, armor, armorBody, base64url, scan } from "./fixtures.js";

const r = new Random(424242);

/** Text that must give no finding with all rules, with the path it is scanned under. */
const CASES: [name: string, text: string, path?: string][] = [
  // Lockfile integrity hashes.
  [
    "package-lock integrity",
    `{\n  "node_modules/left-pad": {\n    "version": "1.3.0",\n    "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",\n    "integrity": "sha512-${r.str(86, B64)}=="\n  }\n}\n`,
    "package-lock.json",
  ],
  [
    "yarn.lock integrity",
    `left-pad@^1.3.0:\n  version "1.3.0"\n  integrity sha512-${r.str(86, B64)}==\n`,
    "yarn.lock",
  ],
  [
    "pnpm-lock integrity",
    `  /left-pad@1.3.0:\n    resolution: {integrity: sha512-${r.str(86, B64)}==}\n`,
    "pnpm-lock.yaml",
  ],
  ["integrity in source", `const integrity = "sha384-${r.str(64, B64)}";\n`],
  // Git SHAs.
  ["commit SHA in text", `Fixed in ${r.hex(40)}, see also ${r.hex(12)}.\n`, ""],
  ["pinned action", `      - uses: actions/checkout@${r.hex(40)} # v4\n`, ".github/workflows/ci.yml"],
  ["SHA variable", `const commitSha = "${r.hex(40)}";\nconst head_sha = '${r.hex(40)}';\n`],
  ["go.sum", `github.com/pkg/errors v0.9.1 h1:${r.str(43, B64)}=\n`, "go.sum"],
  // UUIDs.
  ["UUID id", `  "requestId": "${r.uuid()}",\n  "traceId": "${r.uuid()}"\n`, "fixtures/event.json"],
  ["UUID under a key-like name", `api_key: ${r.uuid()}\ntoken = "${r.uuid()}"\n`, "config.yml"],
  // Placeholders.
  [
    "${VAR}",
    `password: \${DB_PASSWORD}\nDATABASE_URL=postgres://app:\${DB_PASSWORD}@db:5432/app\n`,
    "deploy.yml",
  ],
  [
    "{{ secrets.X }}",
    `api_key: "{{ secrets.API_KEY }}"\npassword: {{ .Values.db.password }}\n`,
    "chart/values.yaml",
  ],
  [
    "<your-token>",
    `const token = "<your-token>";\ncurl -H "Authorization: Bearer <your-token>"\n`,
    "README.md",
  ],
  [
    "xxxx",
    `GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nSTRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\npassword = "xxxxxxxxxxxxxxxx"\n`,
    ".env.example",
  ],
  ["masked", `password: "****************"\ntoken: "••••••••••••"\n`, "docs/setup.md"],
  [
    "YOUR_ACCESS_TOKEN",
    `curl -H "Authorization: Bearer YOUR_ACCESS_TOKEN" https://api.example.org\n`,
    "README.md",
  ],
  ["changeme", `ADMIN_PASSWORD=changeme\nSECRET_KEY=replace-me-in-production\n`, ".env.example"],
  // Documented example keys.
  [
    "AWS documentation keys",
    `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`,
    "docs/aws.md",
  ],
  [
    "Azure storage emulator key",
    `UseDevelopmentStorage=true\nAzurite=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${"Eby8vdM02xNOcqFl" + "qUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="};\n`,
    "docs/local.md",
  ],
  [
    "jwt.io example token",
    `const demo = "${[
      base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
      base64url(JSON.stringify({ sub: "1234567890", name: "John Doe", iat: 1516239022 })),
      r.str(43, B64URL),
    ].join(".")}";\n`,
  ],
  // Values read from the environment.
  ["process.env", `const token = process.env.TOKEN;\nconst apiKey = process.env["OPENAI_API_KEY"] ?? "";\n`],
  ["os.environ", `token = os.environ["GITHUB_TOKEN"]\npassword = os.getenv("DB_PASSWORD")\n`, "app.py"],
  [
    "$TOKEN",
    `export TOKEN=$TOKEN\ncurl -u "ci:$PASSWORD" -H "Authorization: Bearer $TOKEN" https://x.example\n`,
    "ci.sh",
  ],
  [
    "GitHub Actions secrets",
    `      env:\n        NPM_TOKEN: \${{ secrets.NPM_TOKEN }}\n        GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}\n`,
    ".github/workflows/release.yml",
  ],
  ["import.meta.env", `const apiKey = import.meta.env.VITE_API_KEY;\n`],
  [
    "ENV[...]",
    `api_key = ENV["API_KEY"]\nsecret_key_base: <%= ENV["SECRET_KEY_BASE"] %>\n`,
    "config/secrets.yml",
  ],
  ["System.getenv", `String secret = System.getenv("CLIENT_SECRET");\n`, "App.java"],
  [".npmrc from env", `//registry.npmjs.org/:_authToken=\${NPM_TOKEN}\n`, ".npmrc"],
  // Code that only names secrets.
  [
    "identifiers",
    `const passwordInput = document.querySelector("#password-input");\nconst apiKey = this.config.apiKey;\n`,
  ],
  [
    "function calls",
    `auth_token = get_auth_token(user_id)\npassword = hash_password(request.form["password"])\n`,
    "views.py",
  ],
  ["member access", `const secret = settings.security.jwtSigningSecret;\ntoken: ctx.session.accessToken,\n`],
  [
    "URLs",
    `token_url = "https://oauth2.googleapis.com/token"\nTOKEN_ENDPOINT=https://login.example.org/oauth2/v2.0/token\n`,
  ],
  ["paths", `secret_file: /run/secrets/db_password\nprivate_key_path = "~/.ssh/id_ed25519"\n`, "config.toml"],
  [
    "numbers and settings",
    `PASSWORD_MIN_LENGTH = 12\ntoken_expiry_seconds: 3600\nsecretName: my-app-tls-secret\n`,
  ],
  [
    "words",
    `password: "correct horse battery staple"\ntoken_type: "Bearer"\n"tokenizer": "bert-base-uncased"\n`,
  ],
  ["password hash", `password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"\ntoken_sha256: ${r.hex(64)}\n`],
  ["bcrypt hash", `password: "$2b$12$${r.str(53, ALNUM + "./")}"\n`, "seeds/users.yml"],
  ["pagination token", `next_page_token: "${r.str(40, B64URL)}"\ncsrf_token = "${r.str(32)}"\n`],
  // Found by scanning node_modules: code that assigns to a secret-looking name.
  [
    "expressions",
    `url.password = credentials?.password || "";\nconst hasExclamationToken = !!node.exclamationToken;\nnextLastSignificantToken = "?NonExpressionParenEnd";\n`,
  ],
  [
    "minified code",
    `this.lastTokStart=this.lastTokEnd=this.pos,this._tokenizeIcu=r.tokenizeExpansionForms||!1,this._tokenizeLet=r.tokenizeLet??!0;\n`,
    "dist/index.min.js",
  ],
  ["value on the next line", `const fromToken =\n  fromTokenIsInRange && this.getOffset(fromToken);\n`],
  // Found in the Action's bundle (AWS and Google SDKs): private fields and digits inside identifiers.
  [
    "private fields and versioned names",
    `const { CreateOAuth2TokenCommand: CreateOAuth2TokenCommand2 } = x;\nconst clientSecret = this.#clientAuthentication.clientSecret || "";\nthis.#pendingAccessToken = this.#pendingAccessToken || this.#internalRefreshAccessTokenAsync();\n`,
    "dist/bundle.js",
  ],
  // A list of names is not a name and its value, though `"password", "…"` reads like one.
  ["redaction paths", `redact({ paths: ['users.*.password', 'users.*.profile.preferences.apiKey'] });\n`],
  ["bundler-renamed type", `type ClosingParenToken = ClosingParenToken$1;\n`, "dist/index.d.ts"],
  ["non-ASCII message", `  "Unexpected_token_1012": "予期しないトークンです。",\n`, "locales/ja.json"],
  ["empty value", `"password": "",\n"token": null,\n`, "fixtures/user.json"],
  // URLs with credentials that are not credentials.
  [
    "URL placeholders",
    `postgres://user:password@localhost:5432/db\namqp://guest:guest@localhost:5672\nmongodb://root:example@mongo:27017\nhttps://user:\${PASSWORD}@host.example\nredis://:$REDIS_PASSWORD@cache:6379\n`,
    "docs/config.md",
  ],
  [
    "URL with port only",
    `http://localhost:8080/path@v2\nhttps://example.org:443/@scope/pkg\n`,
    "docs/urls.md",
  ],
  // Key material that is not a private key.
  ["PEM placeholder", `${armor("RSA", "BEGIN")}\n...\n${armor("RSA", "END")}\n`, "docs/tls.md"],
  [
    "public key and certificate",
    `-----BEGIN PUBLIC KEY-----\n${armorBody(r, 392)}\n-----END PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\n${armorBody(r, 1200)}\n-----END CERTIFICATE-----\n`,
    "certs/ca.pem",
  ],
  ["base64 image", `const logo = "data:image/png;base64,${r.str(2000, B64)}";\n`],
  ["hex blob", `const table = "${r.str(512, HEX)}";\n`],
];

describe("false positives (all rules, zero findings)", () => {
  it.each(CASES)("%s", (_name, text, path = "src/app.ts") => {
    expect(scan(SECRET_RULES, text, path)).toEqual([]);
  });

  it("random lockfile hashes, SHAs and UUIDs never match", () => {
    const rand = new Random(99);
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(`    "integrity": "sha512-${rand.str(86, B64)}==",`);
      lines.push(`    "resolved": "git+ssh://git@github.com/acme/pkg.git#${rand.hex(40)}",`);
      lines.push(`    "id": "${rand.uuid()}",`);
    }
    expect(scan(SECRET_RULES, lines.join("\n"), "src/data.json")).toEqual([]);
    expect(scan(SECRET_RULES, lines.join("\n"), "package-lock.json")).toEqual([]);
  });
});
