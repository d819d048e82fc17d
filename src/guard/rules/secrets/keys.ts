import { LOCKFILES, type RegexRule } from "../rule.js";
import {
  END,
  decodeBase64,
  decodeURIComponentSafe,
  longestBase64Run,
  looksLikeKeyMaterial,
  secretRule,
} from "./build.js";

/**
 * The body of an armored key: base64 lines, real or JSON-escaped (`\n`) line breaks. It has no `-`, so it
 * stops at the END line (or at the first character that cannot be key material) without backtracking.
 */
const BODY = "[A-Za-z0-9+/=\\s\\\\]";
const PEM_KIND = "(?:(?:RSA|EC|DSA|ENCRYPTED) )?";
/** Legacy OpenSSL encryption headers inside an RSA/EC block. */
const PEM_HEADERS =
  "(?:[\\s\\\\rn]{1,6}Proc-Type: 4,ENCRYPTED[\\s\\\\rn]{1,6}DEK-Info: [A-Z0-9-]{3,30},[0-9A-Fa-f]{16,64})?";

function validJwt(token: string): boolean {
  const [header, payload] = token.split(".");
  try {
    const head: unknown = JSON.parse(decodeBase64(header ?? "")?.toString("utf8") ?? "");
    if (typeof head !== "object" || head === null || typeof (head as { alg?: unknown }).alg !== "string") {
      return false;
    }
    const body = decodeBase64(payload ?? "")?.toString("utf8") ?? "";
    // The token every JWT tutorial shows (jwt.io's "John Doe").
    return !(body.includes('"sub":"1234567890"') && body.includes('"name":"John Doe"'));
  } catch {
    return false;
  }
}

/** `_auth` and `_password` hold base64 (of `user:password`, of the password): it must decode to text. */
function decodesToText(value: string): boolean {
  const text = decodeBase64(value)?.toString("latin1") ?? "";
  return text.length >= 4 && /^[\x20-\x7e]+$/.test(text);
}

const DUMMY_PASSWORDS = new Set(
  [
    "pass",
    "passwd",
    "password",
    "pwd",
    "secret",
    "user",
    "username",
    "admin",
    "root",
    "guest",
    "test",
    "testing",
    "demo",
    "foo",
    "bar",
    "baz",
    "qux",
    "token",
    "apikey",
    "postgres",
    "mysql",
    "redis",
    "rabbitmq",
    "mongo",
    "changeit",
    "letmein",
    "hunter2",
    "mypassword",
    "mysecret",
    "yourpassword",
    "s3cr3t",
    "p4ssw0rd",
  ].map((p) => p.toLowerCase()),
);

/** A URL password worth reporting: not a documentation stand-in (the pattern wants 8+ characters). */
function realUrlPassword(password: string): boolean {
  const p = decodeURIComponentSafe(password).toLowerCase();
  if (DUMMY_PASSWORDS.has(p)) return false;
  if (/^(?:my|your|the|some)?[_-]?(?:pass(?:word)?|pwd|secret|token|key)[_-]?\d{0,3}$/.test(p)) return false;
  return !/%s|%\(|\{|\}|\$\(/.test(password);
}

export const KEY_RULES: readonly RegexRule[] = [
  secretRule({
    id: "pem-private-key",
    description: "Private key (PEM: PKCS#1 RSA, PKCS#8, EC, DSA, encrypted PKCS#8)",
    keywords: ["private key-----"],
    // A GCP key file's "private_key" is reported by gcp-service-account-key instead.
    pattern:
      `(?<!"private_key"\\s{0,3}:\\s{0,3}")-----BEGIN ${PEM_KIND}PRIVATE KEY-----${PEM_HEADERS}${BODY}{64,20000}` +
      `(?:-----END ${PEM_KIND}PRIVATE KEY-----)?`,
    skipPlaceholders: false,
    validate: looksLikeKeyMaterial,
    confidence: "high",
  }),
  secretRule({
    id: "openssh-private-key",
    description: "OpenSSH private key",
    keywords: ["begin openssh private key"],
    pattern: `-----BEGIN OPENSSH PRIVATE KEY-----${BODY}{64,20000}(?:-----END OPENSSH PRIVATE KEY-----)?`,
    skipPlaceholders: false,
    // The payload starts with base64 of "openssh-key-v1".
    validate: (key) => looksLikeKeyMaterial(key) && /-----(?:\s|\\[rn])*b3BlbnNzaC1rZXktdjE/.test(key),
    confidence: "high",
  }),
  secretRule({
    id: "pgp-private-key-block",
    description: "PGP private key block",
    keywords: ["begin pgp private key block"],
    pattern:
      "-----BEGIN PGP PRIVATE KEY BLOCK-----(?:\\r?\\n(?:Version|Comment|Hash|Charset|MessageID): [^\\r\\n]{0,200}){0,6}" +
      `${BODY}{64,40000}(?:-----END PGP PRIVATE KEY BLOCK-----)?`,
    skipPlaceholders: false,
    validate: looksLikeKeyMaterial,
    confidence: "high",
  }),
  secretRule({
    id: "putty-private-key",
    description: "PuTTY private key (.ppk)",
    keywords: ["private-lines:"],
    pattern: "Private-Lines: [0-9]{1,3}\\r?\\n(?<secret>[A-Za-z0-9+/=\\r\\n]{40,20000})",
    skipPlaceholders: false,
    // An Ed25519 key is a single 44-character line.
    validate: (lines) => longestBase64Run(lines) >= 40 && new Set(lines).size >= 16,
    confidence: "high",
  }),
  secretRule({
    id: "age-secret-key",
    description: "age encryption secret key",
    keywords: ["age-secret-key-1"],
    pattern: "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9])",
  }),
  // `.npmrc`: `//registry.example.com/:_authToken=…` (scoped) or `_authToken=…` at the start of a line.
  // npm_ and GitHub tokens are left to their own rules, which check their checksum.
  secretRule({
    id: "npmrc-auth-token",
    description: "Registry auth token in an .npmrc",
    keywords: ["_authtoken=", "_authtoken ="],
    pattern:
      "(?<![^\\n:])_authToken\\s{0,3}=\\s{0,3}[\"']?(?<secret>(?!npm_|gh[pousr]_)[A-Za-z0-9_+/=.${}:-]{8,512})(?![^\\s\"'#;])",
    minEntropy: 3,
  }),
  secretRule({
    id: "npmrc-password",
    description: "Registry password or basic-auth credentials in an .npmrc",
    keywords: ["_auth=", "_auth =", "_password=", "_password ="],
    pattern:
      "(?<![^\\n:])_(?:auth|password)\\s{0,3}=\\s{0,3}[\"']?(?<secret>[A-Za-z0-9+/]{6,512}={0,2})(?![^\\s\"'#;])",
    minEntropy: 2.5,
    validate: decodesToText,
  }),
  secretRule({
    id: "credentials-in-url",
    description: "Password in a URL (scheme://user:password@host)",
    keywords: ["://"],
    pattern:
      // The literal first, its lookbehind after: a pattern opening with a lookbehind is tried at every character.
      "://(?<=[A-Za-z0-9]://)[^\\s:/?#@\"'<>\\\\]{0,128}:(?<secret>[^\\s:/?#@\"'<>\\\\]{8,128})@(?=[A-Za-z0-9\\[])",
    // Most files hold a URL, few an `@`, which V8 finds many times faster than `://`.
    quick: /@/,
    generic: true,
    validate: realUrlPassword,
  }),
  // `curl -u user:password`, `--user 'user:password'`, `--oauth2-bearer TOKEN`; headers are the
  // authorization-header rule's. Whatever a specific rule recognises (`-u x:ghp_…`) is left to it. The option
  // must follow `curl` in the same command (continued lines included): `docker run -u app:app` is no curl.
  secretRule({
    id: "curl-credentials",
    description: "Credentials on a curl command line (-u user:password, --oauth2-bearer)",
    keywords: ["curl"],
    pattern:
      // The whitespace and the option come first, as literals the regex engine can skip to.
      "\\s(?:(?:-u|--user)(?<=\\bcurl(?:\\\\\\r?\\n|[^\\n]){1,500})(?:[ \\t]{1,4}|=)[\"']?[^\\s\"'`:]{1,64}:" +
      "|--oauth2-bearer(?<=\\bcurl(?:\\\\\\r?\\n|[^\\n]){1,500})(?:[ \\t]{1,4}|=)[\"']?)" +
      "(?<secret>[^\\s\"'`\\\\]{8,256})(?=[\"']?(?:\\s|$))",
    generic: true,
    validate: realUrlPassword,
    notPaths: LOCKFILES,
  }),
  // `~/.netrc` (`_netrc` on Windows), read by curl, git, ftp and pip: `machine HOST login USER password PASS`,
  // on one line or several.
  secretRule({
    id: "netrc-password",
    description: "Password in a .netrc entry (machine … login … password …)",
    keywords: ["machine"],
    pattern:
      "(?<![^\\s\"'])machine[ \\t]{1,4}[^\\s\"']{1,253}(?:\\s{1,20}(?:login|account|port)[ \\t]{1,4}[^\\s\"']{1,256}){0,3}" +
      "\\s{1,20}password[ \\t]{1,4}(?<secret>[^\\s\"'`\\\\]{8,256})",
    validate: realUrlPassword,
  }),
  secretRule({
    id: "jwt",
    description: "JSON Web Token",
    keywords: ["eyj"],
    pattern: `(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{10,1000}\\.e[wy][A-Za-z0-9_-]{10,8000}\\.[A-Za-z0-9_-]{16,1000}${END}`,
    validate: validJwt,
  }),
];
