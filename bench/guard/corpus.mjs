// Builds the benchmark corpus: a monorepo-shaped tree of ~N MB (TypeScript, JavaScript, Python, Go, YAML,
// JSON and lockfiles, .env files, .npmrc, Markdown, shell, binaries, one ~1 MB minified line), plants the
// secrets and negatives of secrets.mjs at recorded lines, and writes tree/, truth.json and manifest.json.
// Regenerates only when the manifest is missing or its seed, size or generator version differ.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { binaryFile, GENERATORS, minifiedLine, vocab } from "./haystack.mjs";
import { createRng } from "./prng.mjs";
import { NEGATIVE_KINDS, renderNegative, renderSecret, SECRET_KINDS } from "./secrets.mjs";
import { renderFile, writeTruth } from "./truth.mjs";

export const GENERATOR_VERSION = 3;
const MiB = 1024 * 1024;

/** Where a planted line may go in a file of each language, and with which indentation. */
const SLOT = {
  json: /^(\s+)"[^"]+": /,
  yaml: /^(\s*)[A-Za-z_][\w.-]*:(?: |$)/,
  ts: /^(\s*)\S/,
  js: /^(\s*)\S/,
  py: /^(\s*)\S/,
  go: /^(\s*)\S/,
  sh: /^(\s*)\S/,
  env: /^()/,
  npmrc: /^()/,
  md: /^()/,
};

/** Log-uniform size in [min, max] bytes. */
const sizeBetween = (rng, min, max) =>
  Math.round(Math.exp(Math.log(min) + rng.float() * (Math.log(max) - Math.log(min))));

const TEXT_MIX = [
  // [lang, byte share, min size, max size]
  ["ts", 30, 1500, 40000],
  ["js", 6, 1000, 20000],
  ["py", 15, 1500, 30000],
  ["go", 14, 1500, 30000],
  ["yaml", 6, 600, 10000],
  ["json", 5, 500, 25000],
  ["md", 10, 1000, 30000],
  ["sh", 4, 500, 6000],
  ["env", 1, 200, 2000],
];

export function corpusPaths(dir) {
  return {
    dir,
    tree: join(dir, "tree"),
    truth: join(dir, "truth.json"),
    manifest: join(dir, "manifest.json"),
  };
}

export function ensureCorpus({ dir, mb, seed, log = () => {} }) {
  const p = corpusPaths(dir);
  if (existsSync(p.manifest) && existsSync(p.truth) && existsSync(p.tree)) {
    const m = JSON.parse(readFileSync(p.manifest, "utf8"));
    if (m.generator === GENERATOR_VERSION && m.seed === seed && m.mb === mb)
      return { ...p, manifest: m, regenerated: false };
  }
  const t0 = performance.now();
  log(`generating ${mb} MB corpus (seed ${seed}) into ${p.tree}`);
  const manifest = generate(p, mb, seed);
  log(
    `  ${manifest.files} files, ${(manifest.bytes / MiB).toFixed(1)} MiB, ${manifest.secrets} secrets, ${manifest.plantedNegatives} planted negatives in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { ...p, manifest, regenerated: true };
}

function generate(p, mb, seed) {
  const rng = createRng(`patchwright-bench:${seed}`);
  const v = vocab(rng);
  const target = Math.round(mb * MiB);
  const files = [];
  const used = new Set();
  let bytes = 0;

  const uniquePath = (path) => {
    let out = path;
    for (let i = 2; used.has(out); i++) out = path.replace(/(\.[^./]+)?$/, `-${i}$1`);
    used.add(out);
    return out;
  };
  const addText = (path, lang, out, extra = {}) => {
    const file = { path: uniquePath(path), lang, out, inserts: new Map(), crlf: false, ...extra };
    files.push(file);
    bytes += out.bytes;
    return file;
  };
  const addRaw = (path, content) => {
    files.push({ path: uniquePath(path), raw: content });
    bytes += content.length;
  };

  const uniq = (make, n) => [...new Set(Array.from({ length: n * 3 }, make))].slice(0, n);
  const pkgs = uniq(() => v.kebab(), 8);
  const svcs = uniq(() => v.noun(), 5);
  const pyPkgs = uniq(() => v.snake(), 3);

  // Fixed files: manifests, lockfiles, workflows, env and npm config, binaries, the minified bundle.
  const lockBytes = Math.min(MiB, target * 0.025);
  const lockCount = Math.max(1, Math.round(mb / 10));
  addText("package.json", "json", GENERATORS.json(rng, 0, v, { flavor: "package", name: "monorepo" }), {
    noPlant: true,
  });
  addText(".npmrc", "npmrc", GENERATORS.npmrc(rng, 0, v));
  addText(".env.example", "env", GENERATORS.env(rng, 1500, v), { negOnly: true });
  addText("README.md", "md", GENERATORS.md(rng, 8000, v));
  for (const wf of ["ci", "release", "nightly"])
    addText(`.github/workflows/${wf}.yml`, "yaml", GENERATORS.yaml(rng, 3000, v, { flavor: "workflow" }));
  pkgs.forEach((pkg, i) => {
    addText(
      `packages/${pkg}/package.json`,
      "json",
      GENERATORS.json(rng, 0, v, { flavor: "package", name: `@acme/${pkg}` }),
      { noPlant: true },
    );
    addText(`packages/${pkg}/.npmrc`, "npmrc", GENERATORS.npmrc(rng, 0, v));
    if (i < lockCount)
      addText(
        `${i === 0 ? "" : `packages/${pkg}/`}package-lock.json`,
        "json",
        GENERATORS.json(rng, lockBytes, v, { flavor: "lock", name: pkg }),
        { noPlant: true },
      );
  });
  for (const svc of svcs)
    addText(`services/${svc}/.env.example`, "env", GENERATORS.env(rng, 800, v), { negOnly: true });
  for (let i = Math.max(2, Math.round(mb / 6)); i > 0; i--) {
    const ext = rng.pick(["png", "woff2", "wasm", "sqlite", "bin"]);
    addRaw(
      `packages/${rng.pick(pkgs)}/assets/${v.kebab()}.${ext}`,
      binaryFile(rng, rng.range(100_000, 250_000), ext),
    );
  }
  const minified = minifiedLine(rng, Math.min(MiB, target * 0.25), SECRET_KINDS["github-token"].value(rng));
  const minPath = uniquePath(`packages/${pkgs[0]}/public/vendor.min.js`);
  files.push({ path: minPath, raw: Buffer.from(minified + "\n") });
  bytes += minified.length + 1;

  // Text files until the target size.
  const dirs = {
    ts: ["lib", "api", "routes", "utils", "models", "services", "components"],
    json: ["fixtures", "config"],
    md: ["guides", "adr", "runbooks", "api"],
  };
  const pathFor = (lang) => {
    switch (lang) {
      case "ts":
        return `packages/${rng.pick(pkgs)}/src/${rng.pick(dirs.ts)}/${v.kebab()}${rng.chance(0.2) ? ".test" : ""}.ts`;
      case "js":
        return `packages/${rng.pick(pkgs)}/${rng.pick(["scripts", "lib"])}/${v.kebab()}.js`;
      case "py":
        return `tools/${rng.pick(pyPkgs)}/${v.snake()}.py`;
      case "go":
        return `services/${rng.pick(svcs)}/internal/${v.noun()}/${v.snake()}.go`;
      case "yaml":
        return `deploy/k8s/${rng.pick(svcs)}/${v.kebab()}.yaml`;
      case "json":
        return rng.chance(0.7)
          ? `packages/${rng.pick(pkgs)}/fixtures/${v.kebab()}.json`
          : `config/${v.kebab()}.json`;
      case "md":
        return `docs/${rng.pick(dirs.md)}/${v.kebab()}.md`;
      case "sh":
        return `scripts/${v.snake()}.sh`;
      default:
        return `deploy/env/${rng.pick(svcs)}-${rng.pick(["staging", "prod", "dev"])}.env`;
    }
  };
  for (const [lang, , min] of TEXT_MIX) addText(pathFor(lang), lang, GENERATORS[lang](rng, min * 2, v));
  const mix = TEXT_MIX.map(([lang, share, min, max]) => [{ lang, min, max }, share]);
  while (bytes < target) {
    const { lang, min, max } = rng.weighted(mix);
    const file = addText(pathFor(lang), lang, GENERATORS[lang](rng, sizeBetween(rng, min, max), v));
    if (["ts", "js", "py", "md"].includes(lang) && rng.chance(0.03)) file.crlf = true;
  }

  // Plant secrets and negatives into random slots of files of a matching language.
  const byLang = new Map();
  for (const f of files) if (f.lang && !f.noPlant) byLang.set(f.lang, [...(byLang.get(f.lang) ?? []), f]);
  // `.env.example` files get placeholders (negatives) only; real-looking values go to deploy/env/*.env.
  const plant = (lang, make, negative) => {
    if (lang === "pem") {
      const file = addText(`deploy/certs/${rng.pick(svcs)}-${v.noun()}.${rng.pick(["pem", "key"])}`, "pem", {
        lines: [],
        tags: new Map(),
        bytes: 0,
      });
      file.inserts.set(0, [make("")]);
      return;
    }
    const pool = (byLang.get(lang) ?? byLang.get("ts")).filter((f) => negative || !f.negOnly);
    const file = rng.pick(pool.length ? pool : byLang.get("ts"));
    const slotRe = SLOT[file.lang];
    const { lines } = file.out;
    for (let attempt = 0; attempt < 200; attempt++) {
      const i = lines.length ? rng.int(lines.length) : 0;
      const m = slotRe.exec(lines[i] ?? "");
      if (!m && attempt < 199) continue;
      const ins = make(m ? m[1] : "", file.lang);
      file.inserts.set(i, [...(file.inserts.get(i) ?? []), ins]);
      return;
    }
  };
  const scale = 1; // planted counts are fixed so results stay comparable across --mb
  for (const [kind, spec] of Object.entries(SECRET_KINDS)) {
    const n = Math.round(spec.count * scale) - (kind === "github-token" ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const variant = spec.variants?.[i % spec.variants.length];
      const lang = variant?.lang ?? rng.pick(spec.langs);
      plant(lang, (indent, fileLang = lang) => ({
        ...renderSecret(rng, kind, fileLang, indent, variant),
        kind,
      }));
    }
  }
  for (const [kind, spec] of Object.entries(NEGATIVE_KINDS)) {
    for (let i = 0; i < spec.count; i++) {
      const lang = rng.pick(spec.langs);
      plant(
        lang,
        (indent, fileLang = lang) => ({
          text: renderNegative(rng, kind, fileLang, indent),
          kind,
          negative: true,
        }),
        true,
      );
    }
  }

  // Write everything, collecting the ground truth and a digest of the tree.
  rmSync(p.tree, { recursive: true, force: true });
  const secrets = [{ path: minPath, line: 1, kind: "github-token" }];
  const negatives = [];
  const hash = createHash("sha256");
  let total = 0;
  for (const f of files) {
    const content = f.raw ?? Buffer.from(renderFile(f, secrets, negatives));
    const abs = join(p.tree, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    hash.update(f.path + "\0").update(content);
    total += content.length;
  }
  const kinds = Object.fromEntries(
    Object.entries(SECRET_KINDS).map(([k, s]) => [k, { secretlint: s.secretlint }]),
  );
  writeTruth(p.truth, { generator: GENERATOR_VERSION, seed, mb, kinds, secrets, negatives });
  const manifest = {
    generator: GENERATOR_VERSION,
    seed,
    mb,
    files: files.length,
    bytes: total,
    digest: hash.digest("hex"),
    secrets: secrets.length,
    plantedNegatives: negatives.filter((n) => n.planted).length,
    taggedNegatives: negatives.filter((n) => !n.planted).length,
  };
  writeFileSync(p.manifest, JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}
