import type { ServerResponse } from "node:http";

/** Text made safe for HTML content and quoted attribute values: every value on the pages passes here. */
export function esc(value: unknown): string {
  return String(value).replace(
    /[&<>"'`]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" })[c]!,
  );
}

/** An address for an href: http(s) only, so a `javascript:` link written by anyone is shown as text. */
export function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

// No inline script or style anywhere: scripts and styles come from this server's own files only; no
// frame may hold the pages; forms post only here. `connect-src 'self'` is what the live timeline needs.
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** The headers every page carries; the Referer is never sent, since page addresses hold their token. */
export function securityHeaders(): Record<string, string> {
  return {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  };
}

export function layout(title: string, body: string, scripts: string[] = []): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    '<link rel="stylesheet" href="/assets/patchwright.css">',
    ...scripts.map((src) => `<script src="${esc(src)}" defer></script>`),
    "</head><body>",
    body,
    "</body></html>",
  ].join("\n");
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { "content-type": "text/html; charset=utf-8", ...securityHeaders(), ...headers })
    .end(html);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res
    .writeHead(status, { "content-type": "application/json; charset=utf-8", ...securityHeaders() })
    .end(JSON.stringify(value));
}

/** The one answer for an unknown run, a wrong token and an expired page alike. */
export const NOT_FOUND_HTML = layout(
  "Not found",
  "<main><h1>Not found</h1><p>There is no page here. A run page needs the full link from its tracking comment, and it expires with the run's record.</p></main>",
);

export function when(ms: number | undefined): string {
  return ms === undefined
    ? "—"
    : new Date(ms)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC");
}

export function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}
