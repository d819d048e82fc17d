// For a test that runs patchwright as a child process (the built Action, the App's server): nock cannot
// reach into another process, so the child is pointed at this loopback relay instead, which hands each
// request to the test process's own fetch. GitHub's go through `githubFetch` (checked against GitHub's
// REST and GraphQL descriptions), then to the nock interceptors the test set up, as in-process tests do.
//
//   const relay = await startApiRelay();
//   env.GITHUB_API_URL = relay.githubUrl; env.ANTHROPIC_BASE_URL = relay.anthropicUrl;
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { githubFetch } from "./github-api.js";

export interface ApiRelay {
  /** Stands for https://api.github.com (GITHUB_API_URL). */
  githubUrl: string;
  /** Stands for https://api.anthropic.com (ANTHROPIC_BASE_URL). */
  anthropicUrl: string;
  /** Requests that could not be relayed (a GitHub description violation, no interceptor), as said. */
  failures: string[];
  close(): Promise<void>;
}

const ANTHROPIC_PREFIX = "/anthropic";
// Hop-by-hop and length headers: fetch sets its own.
const DROPPED = new Set(["host", "connection", "content-length", "transfer-encoding", "accept-encoding"]);

export async function startApiRelay(): Promise<ApiRelay> {
  const failures: string[] = [];
  const server: Server = createServer((req, res) => {
    void relay(req).then(
      async (answer) => {
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!DROPPED.has(name) && name !== "content-encoding") headers[name] = value;
        });
        res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`${req.method} ${req.url}: ${message}`);
        res.writeHead(599, { "content-type": "text/plain" }).end(message);
      },
    );
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    githubUrl: base,
    anthropicUrl: `${base}${ANTHROPIC_PREFIX}`,
    failures,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function relay(req: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks).toString("utf8") : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !DROPPED.has(name))
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const path = req.url ?? "/";
  const init: RequestInit = { method: req.method ?? "GET", headers, ...(body !== undefined ? { body } : {}) };
  if (path.startsWith(`${ANTHROPIC_PREFIX}/`)) {
    return fetch(`https://api.anthropic.com${path.slice(ANTHROPIC_PREFIX.length)}`, init);
  }
  return githubFetch(`https://api.github.com${path}`, init);
}
