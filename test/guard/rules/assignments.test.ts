import { describe, expect, it } from "vitest";
import { SECRET_RULES } from "../../../src/guard/rules/secrets/index.js";
import { ALNUM, B64URL, Random, scan, tp, type Case } from "./fixtures.js";

// How the common languages and formats write "this secret-looking name holds this value". Each form has
// true positives (`§` marks where the finding must point) and negatives: the same form holding a
// placeholder, a variable or a call, which must give no finding at all. Values come from a seeded PRNG.

const r = new Random(16_2025);
/** A generated password: letters, digits and the punctuation a password manager adds. */
const pw = (): string => r.str(22, ALNUM + "!@%^+=");
/** A generated API token. */
const tok = (): string => r.str(32, ALNUM);
const GENERIC = "generic-secret-assignment";
const b64 = (s: string): string => Buffer.from(s).toString("base64");

interface Form {
  positives: Case[];
  negatives: [text: string, path: string][];
}

const FORMS: Record<string, Form> = {
  "Go var and :=": {
    positives: [
      tp(GENERIC, `var apiToken string = "§${tok()}"\n`, "main.go"),
      tp(GENERIC, `const signingKey string = \`§${tok()}\`\n`, "keys.go"),
      tp(GENERIC, `\tdbPassword := "§${pw()}"\n`, "db.go"),
    ],
    negatives: [
      [`var apiToken string = os.Getenv("API_TOKEN")\n`, "main.go"],
      [`\tdbPassword := "\${DB_PASSWORD}"\n`, "db.go"],
      [`var apiToken string = "<your-token>"\n`, "main.go"],
    ],
  },
  "Makefile =, :=, ::=, :::=, ?=, +=": {
    positives: [
      tp(GENERIC, `API_TOKEN = §${tok()}\n`, "Makefile"),
      tp(GENERIC, `API_TOKEN := §${tok()}\n`, "Makefile"),
      tp(GENERIC, `API_TOKEN ::= §${tok()}\n`, "GNUmakefile"),
      tp(GENERIC, `API_TOKEN :::= §${tok()}\n`, "Makefile"),
      tp(GENERIC, `REGISTRY_PASSWORD ?= §${pw()}\n`, "build/rules.mk"),
      tp(GENERIC, `DEPLOY_TOKEN += §${tok()}\n`, "Makefile"),
    ],
    negatives: [
      ["API_TOKEN ?= $(shell cat .token)\n", "Makefile"],
      ["API_TOKEN := ${API_TOKEN}\n", "Makefile"],
      ["REGISTRY_PASSWORD ?= $(DB_PASSWORD)\nDEPLOY_TOKEN += $$TOKEN\n", "Makefile"],
    ],
  },
  "PHP $x = and .=": {
    positives: [
      tp(GENERIC, `$apiKey = "§${tok()}";\n`, "config.php"),
      tp(GENERIC, `$password .= '§${pw()}';\n`, "legacy.php"),
      tp(GENERIC, `define('STRIPE_SECRET', '§${tok()}');\n`, "wp-config.php"),
    ],
    negatives: [
      ["$apiKey = getenv('API_KEY');\n$password = $_ENV['DB_PASSWORD'];\n", "config.php"],
      ["define('AUTH_KEY', 'put your unique phrase here');\n", "wp-config.php"],
      ["$password .= $suffix;\n", "legacy.php"],
    ],
  },
  "Java/Kotlin setProperty and annotations": {
    positives: [
      tp(GENERIC, `System.setProperty("javax.net.ssl.trustStorePassword", "§${pw()}");\n`, "App.java"),
      tp(GENERIC, `props.setProperty("api.token", "§${tok()}");\n`, "Client.java"),
      tp(GENERIC, `@ConfigProperty(name = "api.key", defaultValue = "§${tok()}")\n`, "Api.java"),
      tp(GENERIC, `@Value("\${api.secret:§${tok()}}")\n`, "Api.java"),
      tp(GENERIC, `@DataSourceDefinition(name = "db", user = "app", password = "§${pw()}")\n`, "Db.java"),
      tp(GENERIC, `const val API_TOKEN = "§${tok()}"\n`, "Config.kt"),
    ],
    negatives: [
      [`System.setProperty("api.token", System.getenv("API_TOKEN"));\n`, "App.java"],
      [`@Value("\${api.secret}")\nprivate String secret;\n`, "Api.java"],
      [`props.setProperty("password", "changeme");\n`, "Client.java"],
      [`@ConfigProperty(name = "api.key", defaultValue = "")\n`, "Api.java"],
    ],
  },
  "C# initialisers": {
    positives: [
      tp(GENERIC, `    public string ClientSecret { get; set; } = "§${tok()}";\n`, "Options.cs"),
      tp(GENERIC, `var options = new ApiOptions { ApiKey = "§${tok()}", Region = "eu" };\n`, "Program.cs"),
      tp(GENERIC, `    private const string Password = @"§${pw()}";\n`, "Db.cs"),
      tp(GENERIC, `    { "Password", "§${pw()}" },\n`, "Settings.cs"),
      tp(GENERIC, `config["Auth:Token"] = "§${tok()}";\n`, "Startup.cs"),
    ],
    negatives: [
      [
        `    public string ClientSecret { get; set; } = Environment.GetEnvironmentVariable("SECRET");\n`,
        "Options.cs",
      ],
      [`var options = new ApiOptions { ApiKey = configuration["ApiKey"] };\n`, "Program.cs"],
      [`    { "Password", "<password>" },\n`, "Settings.cs"],
    ],
  },
  "Ruby hashes and keyword args": {
    positives: [
      tp(GENERIC, `DB = { host: "db", password: "§${pw()}" }\n`, "config/db.rb"),
      tp(GENERIC, `client = Api::Client.new(api_key: '§${tok()}', timeout: 5)\n`, "lib/api.rb"),
      tp(GENERIC, `  :secret_token => "§${tok()}",\n`, "config/initializers/app.rb"),
      tp(GENERIC, `ENV["API_TOKEN"] ||= "§${tok()}"\n`, "spec/spec_helper.rb"),
    ],
    negatives: [
      [`client = Api::Client.new(api_key: ENV.fetch("API_KEY"), timeout: 5)\n`, "lib/api.rb"],
      [`DB = { host: "db", password: "<%= ENV['DB_PASSWORD'] %>" }\n`, "config/db.rb"],
      [`  :secret_token => secrets.token,\n`, "config/initializers/app.rb"],
    ],
  },
  "Rust const and let": {
    positives: [
      tp(GENERIC, `const API_KEY: &str = "§${tok()}";\n`, "src/main.rs"),
      tp(GENERIC, `static AUTH_TOKEN: &'static str = "§${tok()}";\n`, "src/auth.rs"),
      tp(GENERIC, `    let password = String::from("§${pw()}");\n`, "src/db.rs"),
      tp(GENERIC, `    let token: String = "§${tok()}".to_string();\n`, "src/client.rs"),
    ],
    negatives: [
      [`    let token = env::var("API_TOKEN")?;\n`, "src/client.rs"],
      [`const API_KEY: &str = env!("API_KEY");\n`, "src/main.rs"],
      [`    let password = String::from("");\n`, "src/db.rs"],
    ],
  },
  "shell export and set": {
    positives: [
      tp(GENERIC, `export API_TOKEN=§${tok()}\n`, "scripts/env.sh"),
      tp(GENERIC, `export DB_PASSWORD="§${pw()}"\n`, "scripts/env.sh"),
      tp(GENERIC, `set API_TOKEN=§${tok()}\n`, "scripts/env.cmd"),
      tp(GENERIC, `setenv API_TOKEN §${tok()}\n`, "scripts/env.csh"),
      tp(GENERIC, `set -gx API_TOKEN §${tok()}\n`, "config/fish/config.fish"),
      tp(GENERIC, `$env:API_TOKEN = "§${tok()}"\n`, "scripts/env.ps1"),
      tp(GENERIC, `ENV API_TOKEN §${tok()}\n`, "Dockerfile"),
    ],
    negatives: [
      ['export API_TOKEN=$(cat /run/secrets/token)\nexport DB_PASSWORD="$DB_PASSWORD"\n', "scripts/env.sh"],
      ["setenv API_TOKEN $API_TOKEN\n", "scripts/env.csh"],
      ["set -gx API_TOKEN (op read op://vault/api/token)\n", "config/fish/config.fish"],
      ["ENV API_TOKEN ${API_TOKEN}\n", "Dockerfile"],
    ],
  },
  "XML elements and attributes": {
    positives: [
      tp(GENERIC, `  <add key="ApiKey" value="§${tok()}" />\n`, "App.config"),
      tp(GENERIC, `  <property name="password" value="§${pw()}"/>\n`, "beans.xml"),
      tp(GENERIC, `<datasource user="app" password="§${pw()}"/>\n`, "server.xml"),
      tp("xml-secret-element", `    <dbPassword>§${pw()}</dbPassword>\n`, "pom.xml"),
      tp("xml-secret-element", `  <apiToken>§${tok()}</apiToken>\n`, "config.xml"),
      tp("xml-secret-element", `<password>\n      §${pw()}\n    </password>\n`, "settings.xml"),
      tp(
        "xml-secret-element",
        `<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n  <scope>GLOBAL</scope>\n  <id>deploy</id>\n  <username>deploy</username>\n  <password>§${pw()}</password>\n</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n`,
        "jenkins/credentials.xml",
      ),
      tp(
        "xml-secret-element",
        `<org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>\n  <id>slack</id>\n  <secret>§${tok()}</secret>\n</org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>\n`,
        "jenkins/credentials.xml",
      ),
    ],
    negatives: [
      [`  <add key="ApiKey" value="%API_KEY%" />\n`, "App.config"],
      [`<password>\${env.DB_PASSWORD}</password>\n<apiToken></apiToken>\n`, "settings.xml"],
      // Encrypted with the controller's own key, like Maven's `{…}` values.
      [`  <password>{AQAAABAAAAAQ${r.str(40, ALNUM + "+/")}=}</password>\n`, "jenkins/credentials.xml"],
      [`  <property name="password" value="\${db.password}"/>\n`, "beans.xml"],
    ],
  },
  "JSON holding an escaped ini or dotenv blob": {
    positives: [
      tp(
        GENERIC,
        `{"env": "NODE_ENV=production\\nAPI_TOKEN=§${tok()}\\nLOG_LEVEL=info\\n"}\n`,
        "deploy.json",
      ),
      tp(GENERIC, `{"ini": "[database]\\nhost = db\\npassword = §${pw()}\\n"}\n`, "task.json"),
      tp(GENERIC, `{"dotenv": "DB_PASSWORD=\\"§${pw()}\\"\\nDB_HOST=db"}\n`, "stack.json"),
    ],
    negatives: [
      [`{"env": "API_TOKEN=\${API_TOKEN}\\nLOG_LEVEL=info\\n"}\n`, "deploy.json"],
      [`{"ini": "[database]\\npassword = \\nhost = db\\n"}\n`, "task.json"],
    ],
  },
  "curl -u and -H": {
    positives: [
      tp("curl-credentials", `curl -u deploy:§${pw()} https://ci.example.org/api\n`, "scripts/ci.sh"),
      tp("curl-credentials", `curl --user 'deploy:§${pw()}' https://ci.example.org/api\n`, "scripts/ci.sh"),
      tp(
        "curl-credentials",
        `curl -fsS \\\n  --oauth2-bearer §${r.str(40, B64URL)} \\\n  https://api.example.org/v1/me\n`,
        "scripts/ci.sh",
      ),
      tp(
        "authorization-header",
        `curl -H 'Authorization: Basic §${b64(`deploy:${tok()}`)}' https://ci.example.org/api\n`,
        "scripts/ci.sh",
      ),
      tp(
        "authorization-header",
        `curl -H "Authorization: Bearer §${r.str(40, B64URL)}" https://api.example.org\n`,
        "scripts/ci.sh",
      ),
      tp(GENERIC, `curl -H "X-Api-Key: §${tok()}" https://api.example.org\n`, "scripts/ci.sh"),
    ],
    negatives: [
      [`curl -u "$CI_USER:$CI_PASSWORD" https://ci.example.org/api\n`, "scripts/ci.sh"],
      ["curl -u deploy:${TOKEN} https://ci.example.org/api\ncurl -u admin:admin http://localhost\n", "ci.sh"],
      [`curl -H "Authorization: Bearer $TOKEN" -H "X-Api-Key: \${API_KEY}" https://x.example\n`, "ci.sh"],
      ["curl -u deploy: https://ci.example.org/api\ndocker run -u 1000:1000 app\n", "ci.sh"],
      [`curl -fsS https://get.example.org | sh\ndocker exec -u app:${tok()} web true\n`, "ci.sh"],
    ],
  },
  "credential files": {
    positives: [
      tp("npmrc-auth-token", `//npm.internal.example.org/:_authToken=§${r.str(40, B64URL)}\n`, ".npmrc"),
      tp(
        GENERIC,
        `[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.internal.example.org/\nusername = deploy\npassword = §${pw()}\n`,
        ".pypirc",
      ),
      tp("netrc-password", `machine api.example.org login deploy password §${pw()}\n`, ".netrc"),
      tp("netrc-password", `machine git.example.org\n  login deploy\n  password §${tok()}\n`, "home/_netrc"),
      tp("credentials-in-url", `https://deploy:§${tok()}@git.example.org\n`, ".git-credentials"),
      tp(
        "docker-config-auth",
        `{\n  "auths": {\n    "registry.example.org": {\n      "auth": "§${b64(`deploy:${pw()}`)}"\n    }\n  }\n}\n`,
        ".docker/config.json",
      ),
      tp(
        GENERIC,
        `{\n  "auths": {\n    "registry.example.org": {\n      "identitytoken": "§${tok()}"\n    }\n  }\n}\n`,
        ".docker/config.json",
      ),
    ],
    negatives: [
      ["//npm.internal.example.org/:_authToken=${NPM_TOKEN}\n", ".npmrc"],
      ["[internal]\nusername = deploy\npassword = <password>\n", ".pypirc"],
      ["machine api.example.org login deploy password <token>\n", ".netrc"],
      ["https://deploy:${GIT_TOKEN}@git.example.org\n", ".git-credentials"],
      [
        `{\n  "auths": {\n    "registry.example.org": {}\n  },\n  "credsStore": "desktop"\n}\n`,
        "config.json",
      ],
    ],
  },
};

describe("secret assignments in each language and format", () => {
  for (const [form, { positives, negatives }] of Object.entries(FORMS)) {
    describe(form, () => {
      it.each(positives.map((c, i) => [`${c.id} #${i}`, c] as const))("finds %s", (_name, c) => {
        const findings = scan(SECRET_RULES, c.text, c.path);
        expect(
          findings.map((f) => [f.ruleId, f.line, f.column]),
          `in:\n${c.text}`,
        ).toEqual([[c.id, c.line, c.column]]);
      });

      it.each(negatives.map((n, i) => [i, ...n] as const))("ignores negative #%i", (_i, text, path) => {
        expect(scan(SECRET_RULES, text, path), `in:\n${text}`).toEqual([]);
      });
    });
  }
});
