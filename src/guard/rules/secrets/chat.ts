import type { RegexRule } from "../rule.js";
import { END, decodeBase64, prefixedToken, secretRule } from "./build.js";

/** Slack tokens may follow `xoxe.` (a refreshable token) but not other token characters. */
const SLACK_START = "(?<![A-Za-z0-9_-])";

/** The first part of a Discord bot token is the bot's user id (a snowflake) in base64. */
function startsWithSnowflake(token: string): boolean {
  const first = token.slice(0, token.indexOf("."));
  return /^[0-9]{17,20}$/.test(decodeBase64(first)?.toString("latin1") ?? "");
}

export const CHAT_RULES: readonly RegexRule[] = [
  secretRule({
    id: "slack-bot-token",
    description: "Slack bot token",
    keywords: ["xoxb-"],
    pattern: `${SLACK_START}xoxb-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9]{24,34}${END}`,
    confidence: "high",
  }),
  secretRule({
    id: "slack-user-token",
    description: "Slack user token",
    keywords: ["xoxp-"],
    pattern: `${SLACK_START}xoxp-[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[0-9a-f]{32}${END}`,
    confidence: "high",
  }),
  prefixedToken(
    "slack-app-token",
    "Slack app-level token",
    ["xapp-"],
    "xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[0-9a-f]{64}",
  ),
  prefixedToken(
    "slack-config-token",
    "Slack configuration or refresh token",
    ["xoxe.", "xoxe-"],
    "xoxe(?:\\.xox[bp])?-[0-9]-[A-Za-z0-9]{100,300}",
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    "slack-legacy-token",
    "Slack legacy, workspace, client or session token",
    ["xoxa-", "xoxc-", "xoxo-", "xoxr-", "xoxs-"],
    "xox[acors]-(?:[0-9]{6,14}-){1,3}[A-Za-z0-9]{8,64}",
    { minEntropy: 3 },
  ),
  // The browser's `d` cookie, which together with an `xoxc-` token acts as the signed-in user.
  prefixedToken(
    "slack-session-cookie",
    "Slack session cookie (d=xoxd-…)",
    ["xoxd-"],
    "xoxd-[A-Za-z0-9%/+_-]{40,500}",
    {
      minEntropy: 3.5,
    },
  ),
  secretRule({
    id: "slack-webhook-url",
    description: "Slack incoming webhook URL",
    keywords: ["hooks.slack.com/services"],
    pattern: `https?://hooks\\.slack\\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}${END}`,
  }),
  secretRule({
    id: "slack-workflow-webhook-url",
    description: "Slack workflow webhook URL",
    keywords: ["hooks.slack.com/workflows", "hooks.slack.com/triggers"],
    pattern: `https?://hooks\\.slack\\.com/(?:workflows|triggers)/T[A-Z0-9]{8,12}/(?:A[A-Z0-9]{8,12}/)?[0-9]{8,20}/[A-Za-z0-9]{24,40}${END}`,
  }),
  secretRule({
    id: "discord-webhook-url",
    description: "Discord webhook URL",
    keywords: ["discord.com/api/webhooks", "discordapp.com/api/webhooks"],
    pattern: `https?://(?:(?:canary|ptb)\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}${END}`,
  }),
  secretRule({
    id: "discord-bot-token",
    description: "Discord bot token",
    keywords: ["discord"],
    pattern: `(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}${END}`,
    minEntropy: 3.5,
    validate: startsWithSnowflake,
  }),
  secretRule({
    id: "telegram-bot-token",
    description: "Telegram bot token",
    keywords: [":aa"],
    // Often inside an API URL: https://api.telegram.org/bot<token>/sendMessage
    pattern: `(?:(?<=[/.]bot)|(?<![A-Za-z0-9_:-]))[0-9]{8,10}:AA[A-Za-z0-9_-]{33}${END}`,
  }),
  secretRule({
    id: "teams-incoming-webhook-url",
    description: "Microsoft Teams incoming webhook URL",
    keywords: ["webhook.office.com", "outlook.office.com/webhook", "outlook.office365.com/webhook"],
    pattern:
      "https://(?:[A-Za-z0-9-]{1,60}\\.webhook\\.office\\.com/webhookb2|outlook\\.office(?:365)?\\.com/webhook)" +
      "/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]{20,80})?" +
      END,
  }),
  secretRule({
    id: "google-chat-webhook-token",
    description: "Google Chat webhook token",
    keywords: ["chat.googleapis.com"],
    pattern:
      "https://chat\\.googleapis\\.com/v1/spaces/[A-Za-z0-9_-]{6,20}/messages\\?key=[A-Za-z0-9_-]{39}" +
      "&(?:amp;)?token=(?<secret>[A-Za-z0-9_%=-]{40,80})",
  }),
];
