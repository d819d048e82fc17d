/**
 * Values in a secret's format that are not secrets: published on purpose (a Firebase web API key, a
 * Stripe publishable key, a Supabase anon key, all made to ship in a web page) or published by a vendor's
 * own documentation as the example everyone copies.
 */

/** The exact examples in vendors' documentation, copied into countless READMEs and tests. */
const DOCUMENTED_EXAMPLES = new Set([
  // Stripe's API reference: its shared test-mode keys.
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "pk_test_TYooMQauvdEDq54NiTphI7jx",
  // Telegram's Bot API documentation ("something like").
  "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
  // Slack's OAuth documentation.
  "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  // Mailgun's API documentation.
  "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
  // Google's API key documentation.
  "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
]);

/** Publishable by name: Stripe `pk_` keys, Mapbox `pk.` tokens, Supabase `sb_publishable_` keys. */
const PUBLISHABLE =
  /^(?:pk_(?:live|test)_[A-Za-z0-9]{10,}|pk\.eyJ[A-Za-z0-9_.-]{10,}|sb_publishable_[A-Za-z0-9_-]{10,})$/;

/** Firebase's own config files, shipped inside every Android and iOS app built with it. */
const FIREBASE_FILE = /(?:^|\/)(?:google-services\.json|GoogleService-Info\.plist)$/;
/**
 * The names a Firebase web key goes by, up to the value: the config's `apiKey`, or a variable a web
 * framework inlines into the page because of its prefix (`NEXT_PUBLIC_`, `VITE_`...). A bare
 * `FIREBASE_API_KEY` is a server's setting, and may hold any Google key.
 */
const FIREBASE_KEY_NAME =
  /(?:^|[^A-Za-z0-9_])(?:(apiKey)|(?:NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|NUXT_PUBLIC_|NG_APP_|PUBLIC_)FIREBASE_API_KEY)["'`]?[ \t]{0,4}[:=][ \t]{0,4}["'`]?$/;
/** Fields only a Firebase config has, next to its `apiKey`. */
const FIREBASE_CONFIG = /authDomain|messagingSenderId|firebaseapp\.com|firebaseio\.com|firebasestorage\.app/;
/** How far around the key the rest of its config may be: one config object, not the whole file. */
const BEFORE = 400;
const AFTER = 600;

/**
 * Whether `value`, found at `index` of `text` in the file `path`, is public by design. A Google API key
 * is public only as a Firebase web config's `apiKey` (with the config's other fields around it), under a
 * framework's public `*_FIREBASE_API_KEY` name, or in Firebase's own files: the same `AIza` format serves
 * Gemini and server keys, which are secrets.
 */
export function isPublicByDesign(value: string, text: string, index: number, path: string): boolean {
  if (DOCUMENTED_EXAMPLES.has(value) || PUBLISHABLE.test(value) || isAnonJwt(value)) return true;
  if (!value.startsWith("AIza")) return false;
  if (FIREBASE_FILE.test(path)) return true;
  const name = FIREBASE_KEY_NAME.exec(text.slice(Math.max(0, index - 80), index));
  if (!name) return false;
  if (!name[1]) return true;
  const around = text.slice(Math.max(0, index - BEFORE), index + value.length + AFTER);
  return FIREBASE_CONFIG.test(around);
}

/** A JWT whose role is `anon`: Supabase's (PostgREST's) anonymous key, made for the browser. */
function isAnonJwt(value: string): boolean {
  if (!value.startsWith("eyJ")) return false;
  const payload = value.split(".")[1];
  if (!payload) return false;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null && (claims as { role?: unknown }).role === "anon";
  } catch {
    return false;
  }
}
