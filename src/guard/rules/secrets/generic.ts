import { shannonEntropy } from "../../entropy.js";
import { LOCKFILES, type RegexRule } from "../rule.js";
import { secretRule } from "./build.js";
import { looksLikeGithubToken } from "./github-token.js";

/** Names whose value is a secret. `secret` also covers client_secret, secret_key; `token` access_token... */
const SECRET_NAME =
  "(?:pass(?:word|wd|phrase)|secret|token|api[_.-]?key|access[_.-]?key|auth[_.-]?(?:key|token)|" +
  "private[_.-]?key|(?:signing|encryption|master)[_.-]?key)";

const SEPARATORS = ["", "_", ".", "-"];
/** Every spelling SECRET_NAME matches (in any case): where the generic rule can start. */
const SECRET_NAME_SPELLINGS: readonly string[] = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  ...["api", "access", "auth", "private", "signing", "encryption", "master"].flatMap((w) =>
    SEPARATORS.map((s) => `${w}${s}key`),
  ),
  ...SEPARATORS.map((s) => `auth${s}token`),
];

/** An XML element's name that ends like a secret's: `<password>`, `<dbPassword>`, `<apiToken>`, `<secretKey>`. */
const XML_SECRET_NAME =
  "(?:pass(?:word|wd|phrase)|secret|token|api[_.-]?key|(?:access|auth|private|secret|signing|encryption)[_.-]?key)";

/** `next_page_token`, `csrf_token`, `hashed_password`, `sha256_token`: named like secrets, but not secrets. */
const NOT_SECRET_PREFIXES =
  "(?:page|next|continuation|cursor|sync|csrf|xsrf|request|cancel(?:lation)?|lock|idempotency|" +
  "sha(?:1|256|512)?|hash(?:ed)?|digest|checksum|commit|integrity|etag)[_.-]?";
const NOT_SECRET_PREFIX = `(?<!${NOT_SECRET_PREFIXES})`;

/**
 * What follows the name when it names something about the secret rather than the secret itself
 * (`token_url`, `password_min_length`, `secret_name`, `api_key_id`, `password_hash`, `token_type`).
 */
const NOT_SECRET_SUFFIX =
  "(?![A-Za-z0-9_.-]{0,24}?(?:url|uri|endpoint|path|file|name|type|length|len\\b|count|size|expir|ttl|timeout|" +
  "header|prefix|suffix|hint|policy|regex|pattern|format|hash|digest|sha|checksum|integrity|etag|commit|version|" +
  "field|label|placeholder|_?ids?\\b|kind|mode|index|limit|enabled|required|rotation|validator|schema|" +
  "strategy|provider|manager|store|source|location|dir|usage|scope|audience|issuer|param|ref\\b|arn\\b))";

/**
 * After the name: a closing quote or bracket, then a type: `apiKey: string`, Rust's `: &'static str`, Go's
 * `token string`, or a C# property's `{ get; set; }`.
 */
const TYPE =
  "(?:[ \\t]{0,2}:[ \\t]{0,2}&?(?:'static[ \\t])?[A-Za-z][A-Za-z0-9_<>|.?]{0,40}" +
  "|[ \\t]{1,2}(?:string|String|\\[\\]byte)(?=[ \\t]{0,4}=)" +
  "|[ \\t]{0,2}\\{[ \\t]{0,2}get;[^}\\n]{0,30}\\})?";

/**
 * The operator: `=`, `:`, `=>`, and the compound forms of Go and make (`:=`, `::=`, `:::=`, `?=`, `+=`), PHP
 * (`.=`) and Ruby (`||=`). After a quoted name, also a comma (`setProperty("api.token", "…")`,
 * `define('KEY', '…')`, `{ "Password", "…" }`, Java's `defaultValue = `) or an XML `value=` attribute
 * (`<add key="ApiKey" value="…"/>`). With no operator at all only where a shell or Dockerfile sets a
 * variable with a space (`setenv`, fish's `set -gx`, `ENV`).
 */
const OPERATOR =
  `[A-Za-z0-9_.-]{0,24}["'\`]{0,2}\\]?${TYPE}[ \\t]{0,4}` +
  "(?:=>|(?:[?+.]|:{1,3}|\\|\\||&&|\\?\\?)?=(?![=~])|:(?!:)" +
  "|(?<=[\"'][ \\t]{0,4}),[ \\t]{0,4}(?:default(?:Value)?[ \\t]{0,2}=)?" +
  "|(?<=[\"'][ \\t]{1,4})value[ \\t]{0,2}=" +
  "|(?<=(?:^|\\s)(?:setenv|set(?:[ \\t]{1,3}-[A-Za-z]{1,4}){1,3}|ENV)[ \\t]{1,3}[A-Za-z0-9_.-]{1,60}[ \\t]{1,4}))" +
  "[ \\t]{0,4}";

/**
 * A value: printable ASCII without spaces, quotes, backslashes, brackets, parentheses or separators. Quoted
 * (also `\\"…\\"` inside a JSON string, after a `b`, `r`, `u` or C#'s `@`, or in Rust's `String::from(`), it
 * may hold `&` and be followed by `,`, `)`, `]`, `.` (`.to_string()`), `/>`... A bare value must end the line,
 * the command, a `${name:default}` or a JSON-escaped line (`\\n`); a bare value followed by `,`, `)` or `(`
 * is code (an argument, a call), and it stops at `&` (a query string).
 */
const QUOTED_CHAR = "[A-Za-z0-9!#$%&*+./:=?@^_|~-]";
const BARE_CHAR = "[A-Za-z0-9!#$%*+./:=?@^_|~-]";
const VALUE =
  `(?:String::from\\(|[brRuU@](?=["'\`]))?(?<q>(?:\\\\?["'\`])?)` +
  `(?<secret>(?<=["'\`])${QUOTED_CHAR}{12,256}|(?<!["'\`])${BARE_CHAR}{12,256})\\k<q>` +
  `(?:(?<=["'\`])(?![^\\s,;)}\\]"'\`./>\\\\])|(?<!["'\`])(?=$|[\\s;"'\`&}]|\\\\[nrt"]))`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGRITY = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}$/;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^(?:www\.|localhost[:/])/i;
/** Formats the specific rules validate (a checksum, a JWT): a look-alike that fails is not a secret. */
const CHECKSUMMED = /^npm_[A-Za-z0-9]{36}$/;
/** Not plaintext: a password hash, an Ansible Vault blob, a SOPS or Maven encrypted value. */
const NOT_PLAINTEXT =
  /^(?:\$(?:2[abxy]?|5|6|argon2(?:id|i|d)|pbkdf2[-_a-z0-9]*|scrypt|y)\$|\$ANSIBLE_VAULT|ENC\[|\{[A-Za-z0-9+/=]+\}$)/;

/** A file path: starts like one or is made of plain segments, none of which looks random. */
function isPath(value: string): boolean {
  const startsLikePath = /^(?:~|\.{1,2})?[\\/]|^[A-Za-z]:[\\/]/.test(value);
  const segments = value.split(/[\\/]/).filter(Boolean);
  if (!startsLikePath && (segments.length < 2 || !/\.[A-Za-z0-9]{1,6}$/.test(value))) return false;
  // A base64 secret has '/' in it too: its segments mix cases and digits.
  return segments.every((s) => !(/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)));
}

const TWO_LETTER_WORDS = new Set(
  "is in to of on by id at or if as up no do go be my we it an ok db io ui os vm js ts".split(" "),
);

/** The humps of camelCase letters: acronyms (`HTTP`), and humps of 1 or 2 letters after the first that are not words. */
function humps(letters: string): { acronyms: number; short: number } {
  const all = letters.match(/[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[A-Z]/g) ?? [];
  return {
    acronyms: all.filter((h) => /^[A-Z]{2,}$/.test(h)).length,
    short: all.slice(1).filter((h) => h.length <= 2 && !TWO_LETTER_WORDS.has(h.toLowerCase())).length,
  };
}

/**
 * A word of an identifier: lowercase, UPPERCASE, or camel humps (`ClosingParen`, `lastTokEnd`, `getUserId`,
 * `HTTPServer`, `fromTokenIsInRange`): at most one acronym, and at most one hump of 1 or 2 letters after
 * the first that is not a word. At most 3 digits, at its end (`tokenV2`, a bundler's `Token$1`). Random
 * letters switch case every letter or two, and random alphanumerics have digits all through them.
 */
function isWord(part: string): boolean {
  if (/^[0-9]{1,3}$/.test(part)) return true;
  const letters = part.replace(/[0-9]{1,3}$/, "");
  if (!/^[A-Za-z]+$/.test(letters)) return false;
  if (letters.length <= 4 || /^(?:[a-z]+|[A-Z]+)$/.test(letters)) return true;
  const { acronyms, short } = humps(letters);
  return acronyms <= 1 && short <= 1;
}

/**
 * Names, not values: an identifier (`my-app-tls-secret`, `settings.API_KEY`), code made of identifiers
 * (`credentials?.password`, `!!node.exclamationToken`, `r.tokenizeForms||!1`, `this.lastTokEnd=this.pos`)
 * or a path of them with wildcards (`users.*.profile.apiKey`).
 */
function isIdentifierOrCode(value: string): boolean {
  return (
    /^[A-Za-z0-9_$.:!?=|&#*-]+$/.test(value) &&
    value.split(/[^A-Za-z0-9]+/).every((p) => p === "" || isWord(p) || isWordsAroundDigits(p))
  );
}

/**
 * Identifiers with a version or a number inside (`CreateOAuth2TokenCommand2`, `sha256Digest`): at most
 * two short digit runs, each followed by a capitalised word, every piece a word of four letters or more,
 * and at most one odd short hump in all of them. Random values have digits all through them and switch
 * case at random, so their pieces fail.
 */
function isWordsAroundDigits(part: string): boolean {
  const pieces = part.replace(/[0-9]{1,3}$/, "").split(/[0-9]{1,3}/);
  return (
    pieces.length >= 2 &&
    pieces.length <= 3 &&
    pieces.every((p, i) => p.length >= 4 && isWord(p) && (i === 0 || /^[A-Z][a-z]/.test(p))) &&
    pieces.reduce((n, p) => n + humps(p).short, 0) <= 1
  );
}

/** `0123456789abcdef`, `abcdefghijkl`: a run of the alphabet, typed as a stand-in. */
function isSequential(value: string): boolean {
  let steps = 0;
  for (let i = 1; i < value.length; i++) if (value.charCodeAt(i) - value.charCodeAt(i - 1) === 1) steps++;
  return steps >= (value.length - 1) / 2;
}

/**
 * Whether a value assigned to a secret-looking name is worth reporting: not a UUID, an integrity hash, a URL,
 * a path, an identifier or code, a number, a password hash or a run of the alphabet, and random enough. Hex
 * gets a lower entropy threshold: 16 symbols cannot reach the entropy of base62.
 */
export function looksLikeSecretValue(value: string): boolean {
  if (UUID.test(value) || INTEGRITY.test(value) || URL_LIKE.test(value)) return false;
  if (CHECKSUMMED.test(value) || looksLikeGithubToken(value)) return false;
  if (NOT_PLAINTEXT.test(value) || isIdentifierOrCode(value) || isPath(value)) return false;
  if (/^[0-9.:_-]+$/.test(value)) return false; // numbers, versions, dates, times
  const entropy = shannonEntropy(value);
  if (isSequential(value)) return false;
  if (/^[0-9a-f]+$/i.test(value)) return entropy >= 3 && /[0-9]/.test(value) && /[a-f]/i.test(value);
  // A random 16-character value over 62 symbols has about 3.7 bits per character; words stay below 3.3.
  return entropy >= (value.length >= 16 ? 3.3 : 3.5);
}

export const GENERIC_RULES: readonly RegexRule[] = [
  secretRule({
    id: "generic-secret-assignment",
    description: "Hard-coded secret assigned to a password, secret, token or API key name",
    keywords: SECRET_NAME_SPELLINGS,
    // Tried only where a name starts: searching a text for the names case-insensitively was most of
    // this rule's time, and the keyword search already passes over every name.
    anchored: true,
    // The name first and the prefix checked looking back over it: a pattern that starts with a lookbehind
    // runs it at every position of the text, which made this rule 2× slower.
    pattern: `${SECRET_NAME}(?<!${NOT_SECRET_PREFIXES}${SECRET_NAME})${NOT_SECRET_SUFFIX}${OPERATOR}${VALUE}`,
    flags: "i",
    minEntropy: 3,
    validate: looksLikeSecretValue,
    generic: true,
    notPaths: LOCKFILES,
  }),
  secretRule({
    id: "authorization-header",
    description: "Credentials in an HTTP Authorization header (Bearer, Basic, token)",
    keywords: ["authorization"],
    pattern:
      "authorization[\"']?\\s{0,3}(?:=>|[:=])\\s{0,3}[\"'`]?(?:bearer|basic|token)\\s{1,3}" +
      "(?<secret>[A-Za-z0-9._~+/-]{16,4096}={0,2})(?![A-Za-z0-9._~+/=-])",
    flags: "i",
    minEntropy: 3.5,
    validate: looksLikeSecretValue,
    generic: true,
    notPaths: LOCKFILES,
  }),
  // Maven settings, Jenkins credentials (`<password>`, `<secret>`, `<apiToken>`), Spring and .NET config: an
  // element named like a secret, its value on the same line or on its own lines.
  secretRule({
    id: "xml-secret-element",
    description: "Hard-coded secret in an XML element (<password>, <apiToken>, <clientSecret>...)",
    keywords: ["password>", "passwd>", "passphrase>", "secret>", "token>", "key>"],
    pattern:
      `<(?<tag>[A-Za-z0-9_.:-]{0,40}?${NOT_SECRET_PREFIX}${XML_SECRET_NAME})>` +
      "\\s{0,40}(?<secret>[^<\\s]{8,256})\\s{0,40}</\\k<tag>>",
    flags: "i",
    minEntropy: 3,
    validate: looksLikeSecretValue,
    generic: true,
    notPaths: LOCKFILES,
  }),
];
