import { LineIndex, textBlock, type Block } from "./block.js";
import { findingConfidence, ruleConfidence, ruleSeverity } from "./confidence.js";
import { globTest } from "./glob-test.js";
import type { GuardConfig } from "./config.js";
import { derivedTexts } from "./derived-text.js";
import { shannonEntropy } from "./entropy.js";
import type { Confidence, Finding, Severity, Where } from "./finding.js";
import { fingerprint } from "./fingerprint.js";
import { KNOWN_SECRET, knownSecretsOf, type KnownSecrets } from "./known-secrets.js";
import { isLookAlike } from "./look-alikes.js";
import { isPlaceholder } from "./placeholder.js";
import { KeywordFinder } from "./keyword-finder.js";
import { isPublicByDesign } from "./public-by-design.js";
import { redact } from "./redact.js";
import { ENV_FILE, KEY_STORE_FILE } from "./rules/packaging.js";
import type { RegexRule } from "./rules/rule.js";
import { FORBIDDEN_TERM, TermMatcher } from "./terms.js";

export const INLINE_ALLOW = /patchwright:allow|gitleaks:allow/;

export interface GuardOptions {
  /** Fingerprints of accepted findings. */
  baseline?: ReadonlySet<string>;
  /**
   * Honour an inline `patchwright:allow` (or `gitleaks:allow`) on a finding's line. Off unless a scan a
   * person asked for turns it on: the agent could write a marker next to the very secret it leaks, so
   * nothing the agent wrote (pushes, commit messages, PR bodies, comments, memory notes) may use one.
   */
  inlineAllow?: boolean;
  /** More values to find by value, besides those the config carries (see withKnownSecrets). */
  knownSecrets?: KnownSecrets;
  /**
   * Told of each finding the config reports without blocking (`guard.policy.envFiles: warn`). Without
   * it such findings are dropped: they never block, so a caller that shows nothing loses nothing.
   */
  onAdvisory?: (finding: Finding) => void;
}

/** Told of a finding on a line with an inline allow marker, instead of dropping it: the caller decides. */
export type OnMarkedFinding = (finding: Finding, lineText: string) => void;

interface CompiledRule {
  rule: RegexRule;
  /** The engine's own copy of the pattern: its lastIndex is state, so a shared rule object stays untouched. */
  pattern: RegExp;
  onPath: (path: string) => boolean;
  /**
   * A secret rule whose matches are certain: the only rules run on binary content's printable runs and on
   * decoded or joined text, where a guess would be noise.
   */
  certain: boolean;
  /** Its place in the rule list: rules run in this order, whatever order the keywords occur in. */
  order: number;
  /** For an `anchored` rule: its pattern, sticky, tried where each of its keywords starts. */
  sticky?: RegExp;
  /** For an `anchored` rule: where its keywords start in the text the last activeRules call looked at. */
  starts: number[];
}

interface Hit {
  ruleId: string;
  message: string;
  index: number;
  value: string;
  generic: boolean;
  severity: Severity;
  confidence: Confidence;
  /** Reported without blocking (a policy set to `warn`). */
  advisory?: boolean;
  /** How much of the text the hit covers, when not `value` itself (a value decoded or joined from it). */
  span?: number;
}

/** The run's own secrets, forbidden terms and key stores: exact matches of what they name. */
const EXACT = { generic: false, severity: "error", confidence: "high" } as const;

/**
 * Scans blocks of outbound text with the active rules, the forbidden terms, the allowlists and the
 * baseline. It holds no per-scan state, so one instance serves a whole scan and any number of blocks.
 */
export class Guard {
  private readonly byKeyword = new Map<string, CompiledRule[]>();
  private readonly byPathOnly: CompiledRule[] = [];
  private readonly anchoredRules: CompiledRule[] = [];
  private readonly keyStore = once(() => globTest(KEY_STORE_FILE.globs));
  private readonly envFile = once(() => globTest(ENV_FILE.globs, ENV_FILE.notGlobs));
  private readonly envFiles: GuardConfig["policy"]["envFiles"];
  private readonly onAdvisory: ((finding: Finding) => void) | undefined;
  /** The keyword automaton, and the rules of each keyword it knows by its index there. */
  private readonly prefilter: () => {
    finder: KeywordFinder;
    rulesOfKeyword: CompiledRule[][];
    /** The anchored rules among each keyword's. */
    anchoredOfKeyword: CompiledRule[][];
  };
  /**
   * Per rule (by `order`), the activeRules call that last looked at it: a rule named by several keywords
   * of a block is considered once, without a Set per block.
   */
  private readonly seenIn: Uint32Array;
  private call = 0;
  private readonly terms: TermMatcher;
  private readonly allowedValues: RegExp[];
  private readonly allowedPath: (path: string) => boolean;
  private readonly off: ReadonlySet<string>;
  private readonly baseline: ReadonlySet<string>;
  private readonly known: KnownSecrets[];
  /** Whether inline allow markers may accept findings in this scan. */
  readonly inlineAllow: boolean;

  constructor(rules: readonly RegexRule[], config: GuardConfig, options: GuardOptions = {}) {
    this.baseline = options.baseline ?? new Set();
    this.inlineAllow = options.inlineAllow === true;
    this.onAdvisory = options.onAdvisory;
    this.known = [knownSecretsOf(config), options.knownSecrets].filter((k) => k !== undefined);
    const off = (this.off = new Set(config.allow.rules));
    this.envFiles = off.has(ENV_FILE.id) ? "off" : config.policy.envFiles;
    const keywords = new Set<string>();
    const anchors = new Set<string>();
    for (const [order, rule] of rules.entries()) {
      if (off.has(rule.id) || (rule.category === "attribution" && !config.aiAttribution)) continue;
      const compiled: CompiledRule = {
        rule,
        pattern: new RegExp(rule.pattern),
        onPath: pathFilter(rule),
        certain: rule.category === "secret" && !rule.generic && ruleConfidence(rule) === "high",
        order,
        starts: [],
      };
      if (rule.anchored) {
        compiled.sticky = new RegExp(rule.pattern.source, rule.pattern.flags.replace("g", "y"));
        this.anchoredRules.push(compiled);
      }
      if (rule.keywords.length === 0) this.byPathOnly.push(compiled);
      for (const k of rule.keywords) {
        keywords.add(k);
        if (rule.anchored) anchors.add(k);
        const list = this.byKeyword.get(k) ?? [];
        list.push(compiled);
        this.byKeyword.set(k, list);
      }
    }
    // One pass over a block finds which keywords occur: far cheaper than one pass per rule. Building the
    // automaton takes milliseconds, so it waits for the first text: a scan of nothing starts sooner.
    this.prefilter = once(() => {
      const finder = KeywordFinder.for([...keywords], anchors);
      const rulesOfKeyword = finder.keywords.map((k) => this.byKeyword.get(k)!);
      return {
        finder,
        rulesOfKeyword,
        anchoredOfKeyword: rulesOfKeyword.map((l) => l.filter((c) => c.sticky)),
      };
    });
    this.seenIn = new Uint32Array(rules.length);
    this.terms = off.has(FORBIDDEN_TERM.id)
      ? new TermMatcher([], [])
      : new TermMatcher(config.forbiddenTerms, config.forbiddenTermHashes);
    this.allowedValues = config.allow.values.map((v) => new RegExp(v));
    this.allowedPath = config.allow.paths.length ? globTest(config.allow.paths) : () => false;
  }

  /** True when the config says never to scan this path (known secrets are looked for there all the same). */
  isPathAllowed(path: string): boolean {
    return path !== "" && this.allowedPath(path);
  }

  /** True when the guard looks for values by value, which no allowlist switches off. */
  get holdsKnownSecrets(): boolean {
    return this.known.length > 0;
  }

  /**
   * What a file's name alone leaks: a binary key store, a committed dotenv file (a policy: one finding
   * per file, whatever its lines hold), or a secret or a forbidden term in the path. Runs for every file, binary ones
   * included, in every source that carries a file (a push, a range, a folder, a package).
   */
  scanPath(path: string, where: Where, commit?: string): Finding[] {
    const block = textBlock(path, where, path, commit);
    // A name is outbound text too: a token, plain or encoded, can be a file name.
    const hits = [
      ...this.ruleHits(path, path, false),
      ...this.derivedHits(path, path),
      ...this.termHits(path),
      ...this.knownHits(path),
    ].map((h) => ({
      ...h,
      message: `${h.message} in a file path`,
    }));
    if (this.keyStore()(path) && !this.off.has(KEY_STORE_FILE.id)) {
      hits.push({
        ruleId: KEY_STORE_FILE.id,
        message: KEY_STORE_FILE.description,
        index: 0,
        value: path,
        ...EXACT,
      });
    }
    if (this.envFiles !== "off" && path !== "" && this.envFile()(path)) {
      hits.push({
        ruleId: ENV_FILE.id,
        message: ENV_FILE.description,
        index: 0,
        value: path,
        generic: false,
        severity: "warning",
        confidence: "high",
        ...(this.envFiles === "warn" ? { advisory: true } : {}),
      });
    }
    return this.toFindings(block, hits, true);
  }

  /**
   * The text with every value the guard would report replaced by a marker naming its rule (for logs and
   * transcripts, which must never hold a secret). Allowlists and markers do not apply: a log keeps nothing.
   */
  redact(text: string): string {
    const hits = [
      ...this.ruleHits(text, "", false),
      ...this.derivedHits(text, ""),
      ...this.termHits(text),
      ...this.knownHits(text),
    ].sort((a, b) => a.index - b.index || Number(a.generic) - Number(b.generic));
    // Overlapping matches are merged, so no part of either is left in clear; a specific rule names the span.
    const spans: { start: number; end: number; hit: Hit }[] = [];
    for (const h of hits) {
      const last = spans.at(-1);
      const end = h.index + spanOf(h);
      if (!last || h.index >= last.end) {
        spans.push({ start: h.index, end, hit: h });
        continue;
      }
      last.end = Math.max(last.end, end);
      if (last.hit.generic && !h.generic) last.hit = h;
    }
    let out = text;
    for (const s of spans.reverse())
      out = `${out.slice(0, s.start)}[redacted ${s.hit.ruleId}]${out.slice(s.end)}`;
    return out;
  }

  /**
   * The findings in one block. A finding on a line with an inline allow marker is dropped when this guard
   * honours markers, unless `onMarked` is given: it is then handed there for the caller to decide (a scan
   * of commits accepts it only when the line was already on the base side).
   */
  scanBlock(block: Block, onMarked?: OnMarkedFinding): Finding[] {
    const hits = [
      ...this.ruleHits(block.text, block.path, block.binary === true),
      ...this.derivedHits(block.text, block.path),
      ...this.termHits(block.text),
      ...this.knownHits(block.text),
    ];
    return this.toFindings(block, hits, false, onMarked);
  }

  private toFindings(block: Block, hits: Hit[], wholePath: boolean, onMarked?: OnMarkedFinding): Finding[] {
    if (hits.length === 0) return [];
    const pathAllowed = this.isPathAllowed(block.path);
    const index = new LineIndex(block);
    const findings: Finding[] = [];
    for (const hit of dropShadowed(hits)) {
      const { line, column, lineText } = wholePath
        ? { line: 1, column: 1, lineText: "" }
        : index.locate(hit.index);
      const fp = fingerprint(hit.ruleId, block.path, hit.value);
      const finding: Finding = {
        ruleId: hit.ruleId,
        message: hit.message,
        path: block.path,
        line,
        column,
        ...(block.commit ? { commit: block.commit } : {}),
        where: block.where,
        severity: hit.severity,
        confidence: hit.confidence,
        // Any part of an internal name is a clue to it: a term shows only its length.
        redacted: hit.ruleId === FORBIDDEN_TERM.id ? `…(${hit.value.length} chars)` : redact(hit.value),
        fingerprint: fp,
      };
      // A run's own secret is never a false positive: no allowlist, baseline or marker accepts it.
      if (hit.ruleId !== KNOWN_SECRET.id) {
        if (pathAllowed || this.allowedValues.some((re) => re.test(hit.value)) || this.baseline.has(fp))
          continue;
        if (this.inlineAllow && INLINE_ALLOW.test(lineText)) {
          onMarked?.(finding, lineText);
          continue;
        }
      }
      if (hit.advisory) this.onAdvisory?.(finding);
      else findings.push(finding);
    }
    return findings;
  }

  private knownHits(text: string): Hit[] {
    return this.known.flatMap((k) =>
      k.find(text).map((h) => ({
        ruleId: KNOWN_SECRET.id,
        message: KNOWN_SECRET.description,
        index: h.index,
        value: h.value,
        ...EXACT,
      })),
    );
  }

  /**
   * The rules to run on a text of `path`, in rule order: those whose keywords occur in it, only the
   * `certain` ones when asked (binary content's printable runs, decoded and joined text). The hot paths
   * take a block's text and path, not the block: blocks come in several shapes, which made them slower.
   */
  private activeRules(text: string, path: string, certainOnly: boolean): CompiledRule[] {
    const { finder, rulesOfKeyword, anchoredOfKeyword } = this.prefilter();
    const { seenIn } = this;
    const call = (this.call = (this.call + 1) >>> 0 || 1);
    const active: CompiledRule[] = [];
    const consider = (c: CompiledRule): void => {
      if (seenIn[c.order] === call) return;
      seenIn[c.order] = call;
      if ((c.certain || !certainOnly) && c.onPath(path)) active.push(c);
    };
    for (const c of this.byPathOnly) consider(c);
    for (const k of finder.find(text)) for (const c of rulesOfKeyword[k]!) consider(c);
    for (const c of this.anchoredRules) c.starts.length = 0;
    const hits = finder.anchorHits;
    for (let h = 0; h < hits.length; h += 2)
      for (const c of anchoredOfKeyword[hits[h]!]!) c.starts.push(hits[h + 1]!);
    // In the order the keywords end: a longer one that ends later can start earlier.
    for (const c of active) if (c.sticky && c.starts.length > 1) c.starts.sort((a, b) => a - b);
    return active.length > 1 ? active.sort((a, b) => a.order - b.order) : active;
  }

  /**
   * The high-confidence rules' findings in what the block's text hides: literals joined across `+` or
   * lines, base64 and hex runs. Only those rules: a generic guess on decoded bytes would be noise.
   */
  private derivedHits(text: string, path: string): Hit[] {
    const hits: Hit[] = [];
    for (const derived of derivedTexts(text)) {
      for (const hit of this.ruleHits(derived.text, path, true)) {
        const end = hit.index + hit.value.length;
        if (!derived.isNew(hit.index, end)) continue;
        const index = derived.toSource(hit.index, false);
        hits.push({
          ...hit,
          message: `${hit.message}, ${derived.how}`,
          index,
          span: derived.toSource(end, true) - index,
        });
      }
    }
    return hits;
  }

  private ruleHits(text: string, path: string, certainOnly: boolean): Hit[] {
    const hits: Hit[] = [];
    for (const compiled of this.activeRules(text, path, certainOnly)) {
      const { rule } = compiled;
      if (rule.quick && !rule.quick.test(text)) continue;
      const severity = ruleSeverity(rule);
      for (const m of matches(compiled, text)) {
        const value = m.groups?.["secret"] ?? m[0];
        if (!value) continue;
        if (rule.skipPlaceholders !== false && isPlaceholder(value)) continue;
        if (rule.minEntropy !== undefined && shannonEntropy(value) < rule.minEntropy) continue;
        if (rule.validate && !rule.validate(value)) continue;
        // The format a specific rule turned down is not a generic secret either.
        if (rule.generic && isLookAlike(value)) continue;
        const offset = m.index + (m.groups?.["secret"] !== undefined ? m[0].indexOf(value) : 0);
        if (rule.category === "secret" && isPublicByDesign(value, text, offset, path)) continue;
        hits.push({
          ruleId: rule.id,
          message: rule.description,
          index: offset,
          value,
          generic: !!rule.generic,
          severity,
          confidence: findingConfidence(rule, value),
        });
      }
    }
    return hits;
  }

  private termHits(text: string): Hit[] {
    return this.terms.find(text).map((t) => ({
      ruleId: FORBIDDEN_TERM.id,
      message: t.hashed ? `${FORBIDDEN_TERM.description}, from a hashed list` : FORBIDDEN_TERM.description,
      index: t.index,
      value: t.value,
      ...EXACT,
    }));
  }
}

/**
 * Every match of the rule's pattern in `text`, as a global search finds them: one after the other, each
 * search from where the last match ended. An anchored rule is tried only at its keywords' starts, which
 * finds the same matches, since none can start anywhere else.
 */
function matches({ pattern, sticky, starts }: CompiledRule, text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  if (sticky) {
    let from = 0;
    for (const start of starts) {
      if (start < from) continue;
      sticky.lastIndex = start;
      const m = sticky.exec(text);
      if (!m) continue;
      found.push(m);
      from = m[0].length === 0 ? start + 1 : sticky.lastIndex;
    }
    return found;
  }
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m[0].length === 0) pattern.lastIndex++;
    found.push(m);
  }
  return found;
}

/** Two rules matching the same value give one finding: the specific rule's. */
function dropShadowed(hits: Hit[]): Hit[] {
  const sorted = hits.sort((a, b) => a.index - b.index || Number(a.generic) - Number(b.generic));
  const kept: Hit[] = [];
  for (const hit of sorted) {
    const overlapping = kept.find(
      (k) => hit.index < k.index + spanOf(k) && k.index < hit.index + spanOf(hit),
    );
    if (!overlapping) kept.push(hit);
    else if (overlapping.generic && !hit.generic) kept[kept.indexOf(overlapping)] = hit;
    else if (overlapping.ruleId !== hit.ruleId && !hit.generic && !overlapping.generic) kept.push(hit);
  }
  return kept;
}

function spanOf(hit: Hit): number {
  return hit.span ?? hit.value.length;
}

function pathFilter(rule: RegexRule): (path: string) => boolean {
  // Compiled on the first path asked about, like the guard's other matchers.
  const { paths, notPaths } = rule;
  const only = paths?.length ? once(() => globTest(paths)) : undefined;
  const never = notPaths?.length ? once(() => globTest(notPaths)) : undefined;
  if (!only && !never) return () => true;
  // A file's blocks and the texts derived from them ask about the same path many times in a row.
  let lastPath: string | undefined;
  let last = false;
  return (path) => {
    if (path !== lastPath) {
      lastPath = path;
      last = (only ? path !== "" && only()(path) : true) && !(never && path !== "" && never()(path));
    }
    return last;
  };
}

/** `make()`, run on the first call only: what a scan may never need is not built at start-up. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
