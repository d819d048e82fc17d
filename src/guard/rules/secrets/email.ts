import type { RegexRule } from "../rule.js";
import { ASSIGN, END, prefixedToken, secretRule } from "./build.js";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** Email delivery and marketing services. */
export const EMAIL_RULES: readonly RegexRule[] = [
  prefixedToken(
    "sendgrid-api-key",
    "SendGrid API key",
    ["sg."],
    "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
  ),
  prefixedToken("mailgun-api-key", "Mailgun API key", ["key-"], "key-[0-9a-f]{32}", { minEntropy: 3 }),
  secretRule({
    id: "mailchimp-api-key",
    description: "Mailchimp API key",
    keywords: ["-us"],
    pattern: `(?<![0-9A-Za-z_-])[0-9a-f]{32}-us[0-9]{1,2}${END}`,
    // `-us` is in every `-user`: the literal with its digit first rules nearly all of them out.
    quick: /-us[0-9]/,
  }),
  // Mandrill keys are 22 characters (lately after `md-`) with nothing else distinctive: next to the name.
  secretRule({
    id: "mailchimp-transactional-api-key",
    description: "Mailchimp Transactional (Mandrill) API key",
    keywords: ["mandrill"],
    pattern: `mandrill[_.-]?(?:api[_.-]?)?key${ASSIGN}(?<secret>(?:md-)?[A-Za-z0-9_-]{22})${END}`,
    flags: "i",
    minEntropy: 3.5,
  }),
  prefixedToken("resend-api-key", "Resend API key", ["re_"], "re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}", {
    minEntropy: 3.5,
  }),
  prefixedToken("mailersend-api-token", "MailerSend API token", ["mlsn."], "mlsn\\.[0-9a-f]{64}"),
  prefixedToken(
    "brevo-api-key",
    "Brevo (Sendinblue) API or SMTP key",
    ["xkeysib-", "xsmtpsib-"],
    "x(?:keysib|smtpsib)-[0-9a-f]{64}-[A-Za-z0-9]{16}",
  ),
  // Postmark server and account tokens are bare UUIDs: next to the name or in their request headers.
  secretRule({
    id: "postmark-token",
    description: "Postmark server or account token",
    keywords: ["postmark"],
    pattern:
      "(?:postmark[_.-]?(?:server|account|api)?[_.-]?(?:token|key)" +
      `${ASSIGN}|X-Postmark-(?:Server|Account)-Token["']?[ \\t]{0,3}:[ \\t]{0,3}["']?)(?<secret>${UUID})${END}`,
    flags: "i",
  }),
];
