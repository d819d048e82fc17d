// The haystack: plausible source files of each language, with identifiers, comments, UUIDs, git SHAs,
// image data URIs, lockfile integrity hashes and credential-free URLs. Lines holding a value that looks
// random are tagged with a negative kind, so a finding there is counted as a false positive of that kind.
import { Buffer } from "node:buffer";
import { ALNUM, B64, DIGITS, LOWER } from "./prng.mjs";

const NOUNS = (
  "user account order invoice payment session request response client server cache queue worker job task event " +
  "message channel report metric counter buffer stream file path config option setting profile team project repo branch commit " +
  "build release deploy cluster node pod service route handler schema record entry item batch page cursor filter query result " +
  "error retry timeout limit window frame widget panel layout theme image asset bundle chunk module plugin hook rule policy role " +
  "permission group tenant region zone bucket object blob table column index row field value key token header cookie webhook"
).split(" ");
const VERBS = (
  "get set load save fetch create update delete parse format render build resolve validate normalize merge split map " +
  "filter reduce sort group compute apply handle process dispatch emit subscribe publish schedule flush sync init reset open close " +
  "read write send receive encode decode hash sign verify wrap unwrap"
).split(" ");
const ADJS =
  "active pending stale default remote local primary raw parsed cached external internal public shared global nested legacy next current max min total".split(
    " ",
  );
const GLUE = "the a to of and when if we is for with this that it not before after only once so but".split(
  " ",
);
const ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "tyrell", "contoso", "fabrikam"];
const TLDS = ["io", "com", "dev", "net", "org", "cloud", "app"];
const NPM_NAMES = [
  "react",
  "lodash",
  "zod",
  "yaml",
  "chalk",
  "debug",
  "semver",
  "undici",
  "tslib",
  "ms",
  "ws",
  "glob",
  "picomatch",
  "esbuild",
  "vite",
  "rollup",
  "postcss",
  "ajv",
  "uuid",
  "dotenv",
  "express",
  "fastify",
  "pino",
  "commander",
  "minimatch",
  "nanoid",
  "execa",
  "got",
  "ky",
  "p-limit",
];

const cap = (s) => s[0].toUpperCase() + s.slice(1);

export function vocab(rng) {
  const word = () =>
    rng.weighted([
      [rng.pick(NOUNS), 5],
      [rng.pick(VERBS), 3],
      [rng.pick(ADJS), 2],
    ]);
  const v = {
    noun: () => rng.pick(NOUNS),
    verb: () => rng.pick(VERBS),
    camel: (n = rng.range(1, 3)) =>
      rng.pick(VERBS) + Array.from({ length: n }, () => cap(rng.pick(NOUNS))).join(""),
    varName: () =>
      rng.chance(0.4)
        ? rng.pick(ADJS) + cap(rng.pick(NOUNS))
        : rng.pick(NOUNS) + (rng.chance(0.5) ? cap(rng.pick(NOUNS)) : ""),
    pascal: () => cap(rng.pick(ADJS)) + cap(rng.pick(NOUNS)) + (rng.chance(0.5) ? cap(rng.pick(NOUNS)) : ""),
    snake: () => rng.pick(VERBS) + "_" + rng.pick(NOUNS) + (rng.chance(0.4) ? "_" + rng.pick(NOUNS) : ""),
    upper: () => (rng.pick(ADJS) + "_" + rng.pick(NOUNS)).toUpperCase(),
    kebab: () => rng.pick(NOUNS) + "-" + rng.pick(NOUNS),
    sentence(min = 5, max = 14) {
      const n = rng.range(min, max);
      const out = [];
      for (let i = 0; i < n; i++) out.push(rng.chance(0.35) ? rng.pick(GLUE) : word());
      return cap(out.join(" ")) + ".";
    },
    host: () =>
      `${rng.pick(["api", "auth", "cdn", "docs", "status", "events", "uploads"])}.${rng.pick(ORGS)}.${rng.pick(TLDS)}`,
    url: () =>
      `https://${v.host()}/${rng.pick(["v1", "v2", "api"])}/${rng.pick(NOUNS)}s/${rng.chance(0.5) ? rng.range(1, 99999) : rng.pick(NOUNS)}`,
    num: () => (rng.chance(0.7) ? rng.range(0, 1000) : rng.range(1000, 1e6)),
    version: () => `${rng.range(0, 9)}.${rng.range(0, 30)}.${rng.range(0, 20)}`,
    email: () => `${rng.pick(NOUNS)}.${rng.pick(ADJS)}@${rng.pick(ORGS)}.${rng.pick(TLDS)}`,
    date: () =>
      `20${rng.range(18, 25)}-${String(rng.range(1, 12)).padStart(2, "0")}-${String(rng.range(1, 28)).padStart(2, "0")}T${String(rng.range(0, 23)).padStart(2, "0")}:${String(rng.range(0, 59)).padStart(2, "0")}:00Z`,
    imageUri: () => {
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
        rng.bytes(rng.range(150, 1500)),
      ]);
      return "data:image/png;base64," + png.toString("base64");
    },
    npmName: () =>
      rng.chance(0.25)
        ? `@${rng.pick(ORGS)}/${rng.pick(NOUNS)}-${rng.pick(VERBS)}`
        : rng.chance(0.5)
          ? rng.pick(NPM_NAMES)
          : `${rng.pick(NOUNS)}-${rng.pick(VERBS)}`,
  };
  return v;
}

/** Collects lines, tags and a byte count. */
class Out {
  lines = [];
  tags = new Map();
  bytes = 0;
  push(line, tag) {
    if (tag) this.tags.set(this.lines.length, tag);
    this.lines.push(line);
    this.bytes += line.length + 1;
  }
}

// Names a secret scanner may read as "this holds a secret": such names get no random-looking value, so the
// ground truth stays unambiguous (a 40-hex value under `dispatchToken` could be a real token).
const SECRETISH = /token|key|secret|passw|auth|cookie|credential/i;

/** A value for a haystack assignment to `name`; the random-looking ones are tagged. */
function literalValue(rng, v, name) {
  const r = SECRETISH.test(name) ? 2 + rng.int(18) : rng.int(20);
  if (r === 0) return [`"${rng.uuid()}"`, "uuid"];
  if (r === 1) return [`"${rng.gitSha()}"`, "git-sha"];
  if (r < 5) return [`"${v.url()}"`];
  if (r < 9) return [String(v.num())];
  if (r < 11) return [rng.pick(["true", "false", "null"])];
  return [`"${v.sentence(1, 4).slice(0, -1).toLowerCase()}"`];
}

function tsFile(rng, target, v, js = false) {
  const o = new Out();
  o.push(`// ${v.sentence()}`);
  for (let i = rng.range(2, 6); i > 0; i--) {
    o.push(
      rng.chance(0.7)
        ? `import { ${v.camel(1)}, ${v.pascal()} } from "./${v.kebab()}.js";`
        : `import ${v.varName()} from "${v.npmName()}";`,
    );
  }
  o.push("");
  while (o.bytes < target) {
    const block = rng.int(8);
    if (block === 0 && !js) {
      o.push(`/** ${v.sentence()} */`);
      o.push(`export interface ${v.pascal()} {`);
      for (let i = rng.range(2, 8); i > 0; i--)
        o.push(
          `  ${v.varName()}${rng.chance(0.3) ? "?" : ""}: ${rng.pick(["string", "number", "boolean", "string[]", v.pascal(), "Date | null"])};`,
        );
      o.push("}");
    } else if (block <= 3) {
      o.push("/**");
      o.push(` * ${v.sentence()}`);
      if (rng.chance(0.5)) o.push(` * ${v.sentence()}`);
      o.push(" */");
      const args = js
        ? `${v.varName()}, options = {}`
        : `${v.varName()}: ${v.pascal()}, options: ${v.pascal()} = {}`;
      o.push(
        `export ${rng.chance(0.5) ? "async " : ""}function ${v.camel()}(${args})${js ? "" : `: Promise<${v.pascal()}>`} {`,
      );
      for (let i = rng.range(3, 14); i > 0; i--) tsStatement(rng, v, o, "  ");
      o.push(`  return { ${v.varName()}, ${v.varName()}: ${v.num()} };`);
      o.push("}");
    } else if (block === 4) {
      o.push(`export const ${v.upper()} = {`);
      for (let i = rng.range(3, 9); i > 0; i--) {
        const name = v.varName();
        const [val, tag] = literalValue(rng, v, name);
        o.push(`  ${name}: ${val},`, tag);
      }
      o.push(js ? "};" : "} as const;");
    } else if (block === 5) {
      o.push(`describe("${v.camel()}", () => {`);
      for (let i = rng.range(1, 4); i > 0; i--) {
        o.push(`  it("${v.sentence(3, 8).slice(0, -1).toLowerCase()}", async () => {`);
        const withId = rng.chance(0.5);
        o.push(
          `    const ${v.varName()} = await ${v.camel()}(${withId ? `"${rng.uuid()}"` : v.num()});`,
          withId ? "uuid" : undefined,
        );
        o.push(`    expect(${v.varName()}.${v.varName()}).toBe(${v.num()});`);
        o.push("  });");
      }
      o.push("});");
    } else if (block === 6) {
      const r = rng.int(4);
      if (r === 0) o.push(`const ${v.upper()}_ICON = "${v.imageUri()}";`, "base64-blob");
      else if (r === 1) o.push(`export const BUILD_COMMIT = "${rng.gitSha()}";`, "git-sha");
      else o.push(`const ${v.upper()}_URL = "${v.url()}";`);
    } else {
      o.push(`export class ${v.pascal()} {`);
      o.push(`  private readonly ${v.varName()} = new Map${js ? "" : "<string, number>"}();`);
      for (let m = rng.range(1, 4); m > 0; m--) {
        o.push("");
        o.push(`  ${v.camel()}(${v.varName()}${js ? "" : ": string"}) {`);
        for (let i = rng.range(2, 8); i > 0; i--) tsStatement(rng, v, o, "    ");
        o.push("  }");
      }
      o.push("}");
    }
    o.push("");
  }
  return o;
}

function tsStatement(rng, v, o, ind) {
  const r = rng.int(12);
  if (r === 0) o.push(`${ind}// ${v.sentence()}`);
  else if (r === 1) o.push(`${ind}if (!${v.varName()}) throw new Error("${v.sentence(3, 9)}");`);
  else if (r === 2)
    o.push(
      `${ind}const ${v.varName()} = await fetch(\`${v.url()}/\${${v.varName()}}\`, { method: "${rng.pick(["GET", "POST", "PUT"])}" });`,
    );
  else if (r === 3)
    o.push(
      `${ind}logger.${rng.pick(["info", "debug", "warn"])}({ ${v.varName()}, ${v.varName()} }, "${v.sentence(3, 8)}");`,
    );
  else if (r === 4) {
    o.push(`${ind}for (const ${v.noun()} of ${v.varName()}s) {`);
    o.push(`${ind}  ${v.varName()}.${v.verb()}(${v.noun()}.${v.varName()});`);
    o.push(`${ind}}`);
  } else if (r === 5) o.push(`${ind}const requestId = "${rng.uuid()}";`, "uuid");
  else if (r === 6)
    o.push(
      `${ind}const ${v.varName()} = ${v.varName()}.${rng.pick(["map", "filter", "find"])}((x) => x.${v.varName()} ${rng.pick(["===", "!==", ">"])} ${v.num()});`,
    );
  else o.push(`${ind}const ${v.varName()} = ${v.camel()}(${v.varName()}, ${v.num()});`);
}

function pyFile(rng, target, v) {
  const o = new Out();
  o.push(`"""${v.sentence()}"""`);
  o.push("");
  for (const m of rng
    .shuffle(["os", "json", "logging", "typing", "dataclasses", "pathlib", "datetime"])
    .slice(0, rng.range(2, 5)))
    o.push(`import ${m}`);
  o.push("");
  o.push("log = logging.getLogger(__name__)");
  while (o.bytes < target) {
    o.push("");
    o.push("");
    const r = rng.int(5);
    if (r < 2) {
      o.push(`def ${v.snake()}(${v.noun()}, ${v.noun()}=None, timeout=${v.num()}):`);
      o.push(`    """${v.sentence()}"""`);
      for (let i = rng.range(3, 12); i > 0; i--) pyStatement(rng, v, o, "    ");
      o.push(`    return ${v.noun()}`);
    } else if (r < 4) {
      o.push(`class ${v.pascal()}:`);
      o.push(`    """${v.sentence()}"""`);
      for (let m = rng.range(1, 4); m > 0; m--) {
        o.push("");
        o.push(`    def ${v.snake()}(self, ${v.noun()}):`);
        for (let i = rng.range(2, 8); i > 0; i--) pyStatement(rng, v, o, "        ");
      }
    } else {
      o.push(`${v.upper()} = {`);
      for (let i = rng.range(3, 9); i > 0; i--) {
        const name = v.snake();
        const [val, tag] = literalValue(rng, v, name);
        o.push(
          `    "${name}": ${val.replace(/^(true|false|null)$/, (w) => ({ true: "True", false: "False", null: "None" })[w])},`,
          tag,
        );
      }
      o.push("}");
    }
  }
  return o;
}

function pyStatement(rng, v, o, ind) {
  const r = rng.int(9);
  if (r === 0) o.push(`${ind}# ${v.sentence()}`);
  else if (r === 1) {
    o.push(`${ind}if not ${v.noun()}:`);
    o.push(`${ind}    raise ValueError("${v.sentence(3, 8)}")`);
  } else if (r === 2) o.push(`${ind}log.info("${v.sentence(2, 6).slice(0, -1)} %s", ${v.noun()})`);
  else if (r === 3) o.push(`${ind}url = f"${v.url()}/{${v.noun()}}"`);
  else if (r === 4) {
    o.push(`${ind}for ${v.noun()} in ${v.noun()}s:`);
    o.push(`${ind}    ${v.snake()}(${v.noun()})`);
  } else if (r === 5 && rng.chance(0.3)) o.push(`${ind}trace_id = "${rng.uuid()}"`, "uuid");
  else o.push(`${ind}${v.noun()} = ${v.snake()}(${v.noun()}, ${v.num()})`);
}

function goFile(rng, target, v) {
  const o = new Out();
  o.push(`// Package ${v.noun()} ${v.sentence().toLowerCase()}`);
  o.push(`package ${v.noun()}`);
  o.push("");
  o.push("import (");
  for (const m of rng
    .shuffle(["context", "errors", "fmt", "net/http", "os", "time", "encoding/json", "strings"])
    .slice(0, rng.range(2, 6)))
    o.push(`\t"${m}"`);
  o.push(")");
  while (o.bytes < target) {
    o.push("");
    const r = rng.int(4);
    if (r === 0) {
      o.push(`// ${v.pascal()} ${v.sentence().toLowerCase()}`);
      o.push(`type ${v.pascal()} struct {`);
      for (let i = rng.range(2, 7); i > 0; i--)
        o.push(
          `\t${v.pascal()} ${rng.pick(["string", "int", "bool", "[]byte", "time.Time", "*" + v.pascal()])} \`json:"${v.snake()}"\``,
        );
      o.push("}");
    } else if (r === 3 && rng.chance(0.5)) {
      o.push(`const buildRevision = "${rng.gitSha()}"`, "git-sha");
    } else {
      o.push(`// ${cap(v.camel())} ${v.sentence().toLowerCase()}`);
      o.push(`func ${cap(v.camel())}(ctx context.Context, ${v.noun()} string) (*${v.pascal()}, error) {`);
      for (let i = rng.range(3, 10); i > 0; i--) {
        const s = rng.int(6);
        if (s === 0) o.push(`\t// ${v.sentence()}`);
        else if (s === 1) {
          o.push(`\t${v.varName()}, err := ${v.camel()}(ctx, ${v.noun()})`);
          o.push("\tif err != nil {");
          o.push(`\t\treturn nil, fmt.Errorf("${v.verb()} ${v.noun()}: %w", err)`);
          o.push("\t}");
        } else if (s === 2)
          o.push(`\treq, _ := http.NewRequestWithContext(ctx, http.MethodGet, "${v.url()}", nil)`);
        else if (s === 3 && rng.chance(0.3)) o.push(`\tspanID := "${rng.uuid()}"`, "uuid");
        else o.push(`\t${v.varName()} := ${v.num()} * time.${rng.pick(["Second", "Millisecond", "Minute"])}`);
      }
      o.push("\treturn nil, nil");
      o.push("}");
    }
  }
  return o;
}

function yamlFile(rng, target, v, flavor) {
  const o = new Out();
  if (flavor === "workflow") {
    o.push(`name: ${v.kebab()}`);
    o.push("on:");
    o.push("  push:");
    o.push("    branches: [main]");
    o.push("  pull_request:");
    o.push("jobs:");
    while (o.bytes < target) {
      o.push(`  ${v.kebab()}:`);
      o.push("    runs-on: ubuntu-latest");
      o.push("    env:");
      o.push(`      NODE_ENV: ${rng.pick(["test", "production"])}`);
      o.push(`      ${v.upper()}_TOKEN: \${{ secrets.${v.upper()}_TOKEN }}`, "placeholder-gha");
      o.push("    steps:");
      o.push(`      - uses: actions/checkout@${rng.gitSha()} # v4`, "git-sha");
      o.push(`      - uses: actions/setup-node@${rng.gitSha()} # v4`, "git-sha");
      o.push("        with:");
      o.push(`          node-version: ${rng.pick([18, 20, 22])}`);
      for (let i = rng.range(2, 6); i > 0; i--) {
        o.push(`      - name: ${v.sentence(2, 5).slice(0, -1)}`);
        o.push(
          `        run: ${rng.pick(["npm ci", "npm test", "npm run build", `npx ${v.kebab()} --${v.noun()}`, `curl -fsSL ${v.url()} -o out.json`])}`,
        );
      }
    }
  } else {
    while (o.bytes < target) {
      const name = v.kebab();
      o.push("apiVersion: apps/v1");
      o.push("kind: Deployment");
      o.push("metadata:");
      o.push(`  name: ${name}`);
      o.push("  labels:");
      o.push(`    app: ${name}`);
      o.push("  annotations:");
      o.push(`    deploy.${rng.pick(ORGS)}.io/revision: "${rng.gitSha()}"`, "git-sha");
      o.push("spec:");
      o.push(`  replicas: ${rng.range(1, 6)}`);
      o.push("  template:");
      o.push("    spec:");
      o.push("      containers:");
      o.push(`        - name: ${name}`);
      o.push(`          image: ghcr.io/${rng.pick(ORGS)}/${name}@sha256:${rng.hex(64)}`, "image-digest");
      o.push("          env:");
      for (let i = rng.range(2, 6); i > 0; i--) {
        o.push(`            - name: ${v.upper()}`);
        const withId = rng.chance(0.2);
        o.push(`              value: "${withId ? rng.uuid() : v.noun()}"`, withId ? "uuid" : undefined);
      }
      o.push("          resources:");
      o.push(`            limits: { cpu: "${rng.range(1, 4)}", memory: ${rng.pick([256, 512, 1024])}Mi }`);
      o.push("---");
      o.push("apiVersion: v1");
      o.push("kind: ConfigMap");
      o.push("metadata:");
      o.push(`  name: ${name}-config`);
      o.push("data:");
      for (let i = rng.range(2, 8); i > 0; i--)
        o.push(`  ${v.snake()}: "${rng.chance(0.5) ? v.url() : v.num()}"`);
      o.push("---");
    }
  }
  return o;
}

function jsonFile(rng, target, v) {
  const o = new Out();
  o.push("{");
  o.push(`  "name": "${v.kebab()}",`);
  o.push(`  "generatedAt": "${v.date()}",`);
  o.push(`  "items": [`);
  let first = true;
  while (o.bytes < target) {
    if (!first) o.lines[o.lines.length - 1] += ",";
    first = false;
    o.push("    {");
    o.push(`      "id": "${rng.uuid()}",`, "uuid");
    o.push(`      "${v.varName()}": "${v.sentence(1, 4).slice(0, -1)}",`);
    o.push(`      "email": "${v.email()}",`);
    o.push(`      "url": "${v.url()}",`);
    if (rng.chance(0.2)) o.push(`      "commit": "${rng.gitSha()}",`, "git-sha");
    o.push(`      "count": ${v.num()},`);
    o.push(`      "updatedAt": "${v.date()}"`);
    o.push("    }");
  }
  o.push("  ]");
  o.push("}");
  return o;
}

function packageJson(rng, v, name) {
  const o = new Out();
  o.push("{");
  o.push(`  "name": "${name}",`);
  o.push(`  "version": "${v.version()}",`);
  o.push(`  "description": "${v.sentence(4, 9)}",`);
  o.push(`  "type": "module",`);
  o.push(`  "repository": "https://github.com/${rng.pick(ORGS)}/${name.replace(/^@.*\//, "")}",`);
  o.push(`  "scripts": {`);
  o.push(`    "build": "tsc -p tsconfig.json",`);
  o.push(`    "test": "vitest run"`);
  o.push("  },");
  o.push(`  "gitHead": "${rng.gitSha()}",`, "git-sha");
  o.push(`  "dependencies": {`);
  const deps = [...new Set(Array.from({ length: rng.range(3, 12) }, () => rng.pick(NPM_NAMES)))];
  deps.forEach((d, i) => o.push(`    "${d}": "^${v.version()}"${i < deps.length - 1 ? "," : ""}`));
  o.push("  }");
  o.push("}");
  return o;
}

function lockfile(rng, target, v, name) {
  const o = new Out();
  o.push("{");
  o.push(`  "name": "${name}",`);
  o.push(`  "version": "${v.version()}",`);
  o.push(`  "lockfileVersion": 3,`);
  o.push(`  "requires": true,`);
  o.push(`  "packages": {`);
  o.push(`    "": {`);
  o.push(`      "name": "${name}"`);
  o.push("    },");
  let n = 0;
  while (o.bytes < target) {
    const pkg = v.npmName() + (n++ ? `-${n}` : "");
    const ver = v.version();
    const base = pkg.replace(/^@[^/]+\//, "");
    o.push(`    "node_modules/${pkg}": {`);
    o.push(`      "version": "${ver}",`);
    o.push(`      "resolved": "https://registry.npmjs.org/${pkg}/-/${base}-${ver}.tgz",`);
    o.push(`      "integrity": "sha512-${rng.bytes(64).toString("base64")}",`, "lockfile-integrity");
    if (rng.chance(0.4)) o.push(`      "dev": true,`);
    if (rng.chance(0.5)) {
      o.push(`      "dependencies": {`);
      o.push(`        "${rng.pick(NPM_NAMES)}": "^${v.version()}"`);
      o.push("      },");
    }
    o.push(`      "license": "${rng.pick(["MIT", "ISC", "Apache-2.0", "BSD-3-Clause"])}"`);
    o.push("    },");
  }
  o.lines[o.lines.length - 1] = "    }";
  o.push("  }");
  o.push("}");
  return o;
}

function envExample(rng, target, v) {
  const o = new Out();
  o.push(`# ${v.sentence()} Copy to .env and fill in.`);
  while (o.bytes < target) {
    const r = rng.int(7);
    if (r === 0) o.push(`# ${v.sentence()}`);
    else if (r === 1) o.push(`${v.upper()}_TOKEN=`);
    else if (r === 2) o.push(`${v.upper()}_API_KEY=<your-api-key>`, "placeholder-angle");
    else if (r === 3) o.push(`${v.upper()}_PASSWORD=\${${v.upper()}_PASSWORD}`, "placeholder-env");
    else if (r === 4) o.push(`${v.upper()}_URL=${v.url()}`);
    else o.push(`${v.upper()}=${rng.chance(0.5) ? v.num() : v.noun()}`);
  }
  return o;
}

function npmrc(rng) {
  const o = new Out();
  o.push(`@${rng.pick(ORGS)}:registry=https://npm.pkg.github.com`);
  o.push("//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}", "placeholder-env");
  o.push(`save-exact=${rng.pick(["true", "false"])}`);
  o.push("engine-strict=true");
  return o;
}

function markdown(rng, target, v) {
  const o = new Out();
  o.push(`# ${cap(v.kebab().replace("-", " "))}`);
  o.push("");
  o.push(
    `[![build](https://github.com/${rng.pick(ORGS)}/${v.kebab()}/actions/workflows/ci.yml/badge.svg)](https://github.com/${rng.pick(ORGS)}/${v.kebab()}/actions)`,
  );
  while (o.bytes < target) {
    o.push("");
    const r = rng.int(7);
    if (r === 0) o.push(`## ${v.sentence(2, 5).slice(0, -1)}`);
    else if (r <= 2) o.push(`${v.sentence()} ${v.sentence()} See [${v.noun()}](${v.url()}).`);
    else if (r === 3) for (let i = rng.range(2, 5); i > 0; i--) o.push(`- ${v.sentence(3, 9)}`);
    else if (r === 4) {
      o.push("```bash");
      for (let i = rng.range(1, 4); i > 0; i--)
        o.push(
          rng.pick([
            `npm install ${v.npmName()}`,
            `git checkout ${rng.gitSha()}`,
            `curl -s ${v.url()}`,
            `export ${v.upper()}=${v.noun()}`,
          ]),
        );
      o.push("```");
    } else if (r === 5 && rng.chance(0.3)) o.push(`![${v.noun()}](${v.imageUri()})`, "base64-blob");
    else {
      o.push(`| ${v.noun()} | ${v.noun()} | ${v.noun()} |`);
      o.push("| --- | --- | --- |");
      for (let i = rng.range(2, 5); i > 0; i--)
        o.push(`| ${v.varName()} | ${v.num()} | ${v.sentence(1, 3).slice(0, -1)} |`);
    }
  }
  // Tag git SHAs written by the bash block picker.
  o.lines.forEach((l, i) => l.startsWith("git checkout ") && o.tags.set(i, "git-sha"));
  return o;
}

function shell(rng, target, v) {
  const o = new Out();
  o.push("#!/usr/bin/env bash");
  o.push(`# ${v.sentence()}`);
  o.push("set -euo pipefail");
  o.push("");
  while (o.bytes < target) {
    o.push(`${v.snake()}() {`);
    for (let i = rng.range(2, 7); i > 0; i--) {
      const r = rng.int(6);
      if (r === 0) o.push(`  # ${v.sentence()}`);
      else if (r === 1)
        o.push(
          `  curl -fsSL -H "Authorization: Bearer \${GITHUB_TOKEN}" "${v.url()}" -o "/tmp/${v.noun()}.json"`,
          "placeholder-env",
        );
      else if (r === 2) o.push(`  git -C "$repo" checkout ${rng.gitSha()}`, "git-sha");
      else if (r === 3) o.push(`  local ${v.noun()}="\${1:-${v.noun()}}"`);
      else o.push(`  echo "${v.sentence(2, 6)}" >&2`);
    }
    o.push("}");
    o.push("");
  }
  return o;
}

/** One ~`bytes` line of minified JavaScript. `plant` (a string) is spliced in near the end. */
export function minifiedLine(rng, bytes, plant) {
  const v = vocab(rng);
  const parts = ["!function(e,t){"];
  let size = parts[0].length;
  let planted = false;
  while (size < bytes) {
    if (!planted && size > bytes * 0.9) {
      parts.push(`var ${rng.chars(LOWER, 1)}="${plant}";`);
      planted = true;
    }
    const r = rng.int(6);
    const id = () => rng.chars(LOWER, 1) + (rng.chance(0.5) ? rng.chars(ALNUM + "$_", 1) : "");
    const s =
      r === 0
        ? `function ${id()}(${id()},${id()}){return ${id()}.${v.varName()}(${id()})}`
        : r === 1
          ? `${id()}.exports="${v.url()}";`
          : r === 2
            ? `var ${id()}=[${Array.from({ length: 6 }, () => rng.range(0, 255)).join(",")}];`
            : r === 3
              ? `"${v.sentence(2, 6)}"!==${id()}&&(${id()}=${rng.chars(DIGITS, 3)});`
              : `${id()}=${id()}(${rng.range(0, 999)},"${rng.chars(B64, 12)}"),`;
    parts.push(s);
    size += s.length;
  }
  parts.push("}(this);");
  return parts.join("");
}

/** Random bytes with NULs and a format signature, so it is binary by any test. */
export function binaryFile(rng, bytes, ext) {
  const magic = {
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    woff2: [0x77, 0x4f, 0x46, 0x32],
    wasm: [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    sqlite: [...Buffer.from("SQLite format 3\0")],
    bin: [0x7f, 0x45, 0x4c, 0x46],
  }[ext] ?? [0];
  const buf = rng.bytes(bytes);
  Buffer.from(magic).copy(buf, 0);
  for (let i = magic.length; i < bytes; i += rng.range(8, 200)) buf[i] = 0;
  return buf;
}

/** Text generators by language; each returns an `Out` (lines + tags). */
export const GENERATORS = {
  ts: (rng, target, v) => tsFile(rng, target, v),
  js: (rng, target, v) => tsFile(rng, target, v, true),
  py: pyFile,
  go: goFile,
  yaml: (rng, target, v, ctx) => yamlFile(rng, target, v, ctx?.flavor ?? "k8s"),
  json: (rng, target, v, ctx) =>
    ctx?.flavor === "package"
      ? packageJson(rng, v, ctx.name)
      : ctx?.flavor === "lock"
        ? lockfile(rng, target, v, ctx.name)
        : jsonFile(rng, target, v),
  env: envExample,
  npmrc: (rng) => npmrc(rng),
  md: markdown,
  sh: shell,
};
