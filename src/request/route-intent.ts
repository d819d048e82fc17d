import { maskCode } from "./find-mention.js";

/** The pipeline a free-text mention goes to. */
export type Route = "implement" | "answer" | "plan";

/**
 * Routes free text to a pipeline. `rulesRouter` is the deterministic default. This interface is the hook
 * for a model-based router later (a small model classifying the text, falling back to the rules when it
 * fails or is unsure); callers depend on the interface, not on the rules.
 */
export interface IntentRouter {
  route(text: string): Promise<Route>;
}

export const rulesRouter: IntentRouter = {
  route: (text) => Promise.resolve(routeByRules(text)),
};

/** Verbs that ask for a change, with their -ing forms ("would you mind updating ..."). */
const CHANGE_VERBS: readonly (readonly [string, string])[] = [
  ["fix", "fixing"],
  ["add", "adding"],
  ["implement", "implementing"],
  ["change", "changing"],
  ["update", "updating"],
  ["refactor", "refactoring"],
  ["remove", "removing"],
  ["delete", "deleting"],
  ["rename", "renaming"],
  ["write", "writing"],
  ["create", "creating"],
  ["make", "making"],
  ["migrate", "migrating"],
  ["bump", "bumping"],
  ["upgrade", "upgrading"],
  ["port", "porting"],
  ["convert", "converting"],
  ["move", "moving"],
  ["replace", "replacing"],
  ["rewrite", "rewriting"],
  ["extract", "extracting"],
  ["split", "splitting"],
  ["modify", "modifying"],
  ["adjust", "adjusting"],
  ["revert", "reverting"],
  ["improve", "improving"],
  ["optimize", "optimizing"],
  ["optimise", "optimising"],
  ["clean up", "cleaning up"],
  ["simplify", "simplifying"],
  ["drop", "dropping"],
  ["introduce", "introducing"],
  ["document", "documenting"],
  ["enable", "enabling"],
  ["disable", "disabling"],
  ["deprecate", "deprecating"],
  ["patch", "patching"],
  ["handle", "handling"],
  ["switch", "switching"],
  ["resolve", "resolving"],
  ["address", "addressing"],
  ["apply", "applying"],
  ["correct", "correcting"],
  ["build", "building"],
  ["restructure", "restructuring"],
  ["set up", "setting up"],
];

/** Verbs that ask for a plan rather than the change itself. */
const PLAN_VERBS = ["plan", "propose", "outline", "sketch", "design", "suggest", "recommend"];
/** Nouns naming a plan: "write a plan" asks for a plan, not for writing code. */
const PLAN_NOUNS = "(?:plan|proposal|approach|design|strategy|rfc|roadmap|outline)s?";

const alternation = (words: readonly string[]): string => words.map((w) => w.replace(/ /g, "\\s+")).join("|");
const VERB = `(?:${alternation(CHANGE_VERBS.map(([base]) => base))})`;
const GERUND = `(?:${alternation(CHANGE_VERBS.map(([, ing]) => ing))})`;
const PLAN_VERB = `(?:${alternation(PLAN_VERBS)})`;

/** A change verb whose object is a plan ("make a plan", "write up the migration approach first"). */
const NOT_PLAN_OBJECT = `(?!\\s+(?:up\\s+)?(?:(?:me|us)\\s+)?(?:(?:a|an|the|your|some)\\s+)?(?:[\\w-]+\\s+)?${PLAN_NOUNS}\\b(?=\\s*(?:$|[.,;:!?)]|(?:for|to|of|on|about|that|which|first|before|and|so)\\b)))`;
/** A sentence-initial word that is a noun, not an order: "Update: ...", "Build fails on Windows". */
const NOT_A_NOUN = `(?!\\s*:)(?!\\s+(?:is|are|was|were|has|have|had|does|doesn't|did|didn't|fails|failed|broke|breaks|works|worked|seems|looks|should|will|would|can|could|might|must|still)\\b)`;

/** Where a verb is a request rather than a description ("fix it", "could you fix" vs "does it fix"). */
function requestPatterns(verb: string): RegExp[] {
  const filler =
    "(?:(?:please|pls|plz|also|then|now|just|only|instead|but|and|so|ok|okay|kindly|hey|hi|btw|finally|first|next|maybe)[,!]?\\s+)*";
  return [
    // Imperative at the start of a sentence, a line, a list item, or after ", just" / ", then" ...
    new RegExp(
      `(?:^|[.!?;:]\\s+|\\n\\s*|,\\s+(?=(?:just|only|instead|please|but|and|then)\\b))(?:(?:[-*+]|\\d+[.)])\\s+)?${filler}${verb}\\b${NOT_A_NOUN}`,
    ),
    new RegExp(`\\bplease\\s+(?:also\\s+|just\\s+)?${verb}\\b`),
    // "could you fix", "can we add"; not "how would you fix" (a plan) nor "why can we ...".
    new RegExp(
      `(?<!\\b(?:how|why|what|which|where|when)\\s+)\\b(?:can|could|would|will)\\s+(?:you|u|we|someone|somebody)\\s+(?:(?:please|kindly|also|just|maybe|quickly|now)\\s+)?${verb}\\b`,
    ),
    new RegExp(`\\b(?:let's|lets|let\\s+us)\\s+${verb}\\b`),
    // "we need to update ..."; not "do we need to update ...?".
    new RegExp(
      `(?<!\\b(?:do|does|did|why|how)\\s+)\\b(?:i|we)(?:'d|\\s+would)?\\s+(?:want|need|like)\\s+(?:you\\s+)?to\\s+${verb}\\b`,
    ),
    new RegExp(`\\b(?:want|need|ask)\\s+you\\s+to\\s+${verb}\\b`),
    new RegExp(
      `\\b(?:go\\s+ahead\\s+and|feel\\s+free\\s+to|make\\s+sure\\s+to|(?:and\\s+)?then)\\s+${verb}\\b`,
    ),
    new RegExp(`\\bhelp\\s+(?:me|us)\\s+(?:to\\s+)?${verb}\\b`),
  ];
}

const REQUEST = [
  ...requestPatterns(`${VERB}${NOT_PLAN_OBJECT}`),
  new RegExp(`\\b(?:how|what)\\s+about\\s+${GERUND}\\b`),
  new RegExp(`\\b(?:would|do)\\s+you\\s+mind\\s+${GERUND}\\b`),
  // "plan and implement it" asks to do it.
  new RegExp(`\\b${PLAN_VERB}\\s+(?:(?:it|this|that)\\s+)?(?:and|&)\\s+(?:then\\s+)?${VERB}\\b`),
  /(?<!\b(?:don't|do\s+not|not|never|without)\s+)\b(?:open|send|submit|raise|create|make|file)\s+(?:(?:a|an|the)\s+)?(?:new\s+)?(?:draft\s+)?(?:pr|pull\s+request)\b/,
];

const PLAN = [
  ...requestPatterns(PLAN_VERB),
  /\bhow\s+(?:would|should)\s+(?:you|we|i)\b/,
  /\bwhat\s+would\s+(?:it\s+take|you)\b/,
  new RegExp(
    `\\b(?:make|write|draft|give|come\\s+up\\s+with|create|prepare|sketch|suggest|propose|share|post|put\\s+together|lay\\s+out|draw\\s+up|want|need|like)\\s+(?:up\\s+)?(?:(?:me|us)\\s+)?(?:a|an|the|your|some)\\s+(?:[\\w-]+\\s+){0,2}?${PLAN_NOUNS}\\b`,
  ),
  new RegExp(
    `\\b(?:what(?:'s|\\s+is)\\s+(?:the|your)\\s+(?:best\\s+|recommended\\s+)?|what\\s+|which\\s+)${PLAN_NOUNS}\\b`,
  ),
];

const QUESTION_START = new RegExp(
  "^(?:(?:hey|hi|hello|so|ok|okay|quick\\s+question|question)[,:!]?\\s+)*" +
    "(?:what|why|how|where|when|which|who|whom|whose|is|are|was|were|does|did|isn't|aren't|doesn't|didn't" +
    "|what's|whats|how's|where's|who's|why's|do\\s+(?:you|we|i|they|these|those|it|our|any|all)" +
    "|(?:can|could|would)\\s+you\\s+(?:please\\s+)?(?:explain|tell|describe|clarify|summari[sz]e)" +
    "|explain|tell\\s+me|describe|walk\\s+me\\s+through|summari[sz]e)\\b",
);
/**
 * Words of a comment that only acknowledges ("thanks!", "LGTM 👍", "approved"). Such a comment gets an
 * answer, never a run that changes code.
 */
const ACKNOWLEDGEMENT = new Set(
  (
    "thanks thank you thx ty lgtm sgtm +1 looks good great to me nice cool awesome perfect approved ok okay " +
    "job well done again a lot so much very"
  ).split(" "),
);

/** "When the cache is full, evict ..." starts like a question but is a conditional request. */
const CONDITIONAL_START = /^(?:when|where|if)\b[^.?!\n]*,\s*\w/;
const ENDS_WITH_QUESTION_MARK = /\?[\s)"'*_]*$/;

/**
 * Deterministic routing, clear rules first:
 * - a plan, proposal, approach or design asked for without asking to make the change → `plan`;
 * - a question (ends with "?" or starts with what/why/how/is/does/explain/...) with no request to change
 *   anything → `answer`; so is a mere acknowledgement ("thanks!", "LGTM");
 * - everything else → `implement`.
 * A change verb counts as a request where it is one: imperative ("fix ..."), polite ("could you fix ...?",
 * "please add", "would you mind updating"), "let's ...", "open a PR". In "why does it update the cache?" it
 * describes code, so that is a question. Words inside code (fenced or inline) are not read.
 */
export function routeByRules(text: string): Route {
  const t = maskCode(text)
    .replace(/[\u2018\u2019]/g, "'")
    .toLowerCase()
    .replace(/[ \t]+/g, " ")
    .trim();
  const request = REQUEST.some((re) => re.test(t));
  if (request) return "implement";
  if (PLAN.some((re) => re.test(t))) return "plan";
  const words = t.match(/[\p{L}\p{N}+']+/gu) ?? [];
  if (words.every((w) => ACKNOWLEDGEMENT.has(w))) return "answer";
  const question = ENDS_WITH_QUESTION_MARK.test(t) || (QUESTION_START.test(t) && !CONDITIONAL_START.test(t));
  return question ? "answer" : "implement";
}
