import type { RegexRule } from "../rule.js";
import { END, START, prefixedToken, secretRule } from "./build.js";

/**
 * OpenAI keys carry `T3BlbkFJ` (base64 of "OpenAI") in the middle. The part before it is matched inside a
 * lookahead and replayed with a back-reference, an atomic group: a failed tail cannot make it backtrack.
 */
const OPENAI =
  "sk-(?:(?:proj|svcacct|admin|None)-(?=(?<head>[A-Za-z0-9_-]{20,160}?T3BlbkFJ))\\k<head>[A-Za-z0-9_-]{20,160}" +
  "|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})";

export const AI_RULES: readonly RegexRule[] = [
  prefixedToken(
    "anthropic-api-key",
    "Anthropic API key",
    ["sk-ant-api"],
    "sk-ant-api0[0-9]-[A-Za-z0-9_-]{80,120}",
    { confidence: "high" },
  ),
  prefixedToken(
    "anthropic-admin-key",
    "Anthropic Admin API key",
    ["sk-ant-admin"],
    "sk-ant-admin0[0-9]-[A-Za-z0-9_-]{80,120}",
    { confidence: "high" },
  ),
  prefixedToken(
    "anthropic-oauth-token",
    "Anthropic OAuth access or refresh token",
    ["sk-ant-oat", "sk-ant-ort"],
    "sk-ant-o(?:at|rt)0[0-9]-[A-Za-z0-9_-]{80,120}",
    { confidence: "high" },
  ),
  secretRule({
    id: "openai-api-key",
    description: "OpenAI API key",
    keywords: ["t3blbkfj"],
    pattern: `${START}${OPENAI}${END}`,
    confidence: "high",
  }),
  prefixedToken("openrouter-api-key", "OpenRouter API key", ["sk-or-v1-"], "sk-or-v1-[0-9a-f]{64}"),
  prefixedToken("huggingface-token", "Hugging Face access token", ["hf_"], "hf_[A-Za-z0-9]{34}", {
    minEntropy: 3.5,
  }),
  prefixedToken(
    "huggingface-org-token",
    "Hugging Face organization API token (legacy)",
    ["api_org_"],
    "api_org_[A-Za-z0-9]{34}",
    { minEntropy: 3.5 },
  ),
  prefixedToken("groq-api-key", "Groq API key", ["gsk_"], "gsk_[A-Za-z0-9]{52}", { minEntropy: 3.5 }),
  prefixedToken("replicate-api-token", "Replicate API token", ["r8_"], "r8_[A-Za-z0-9]{37}", {
    minEntropy: 3.5,
  }),
  prefixedToken("perplexity-api-key", "Perplexity API key", ["pplx-"], "pplx-[A-Za-z0-9]{40,56}", {
    minEntropy: 3.5,
  }),
  prefixedToken("xai-api-key", "xAI (Grok) API key", ["xai-"], "xai-[A-Za-z0-9]{70,90}", { minEntropy: 3.5 }),
  prefixedToken(
    "langsmith-api-key",
    "LangSmith API key",
    ["lsv2_pt_", "lsv2_sk_"],
    "lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}",
  ),
  prefixedToken(
    "langfuse-secret-key",
    "Langfuse secret key",
    ["sk-lf-"],
    "sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
  ),
  prefixedToken(
    "pinecone-api-key",
    "Pinecone API key",
    ["pcsk_"],
    "pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,80}",
    {
      minEntropy: 3.5,
    },
  ),
  prefixedToken("tavily-api-key", "Tavily API key", ["tvly-"], "tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}", {
    minEntropy: 3.5,
  }),
];
