// A real smart-HTTP git remote for end-to-end tests: git's own `http-backend` behind a Node server on
// loopback, which accepts only `Authorization: Basic x-access-token:<token>` with a token the test
// allows, and records every token it was shown. Clones, fetches and pushes go over real HTTP, so a
// test can check that credentials travel in a header and that a refreshed token is the one used.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";

export interface GitHttpServer {
  /** The URL of a repository under the root: `${url}/owner/name.git` serves `${root}/owner/name.git`. */
  url: string;
  /** Tokens seen on requests, in order, as sent. */
  tokensSeen: string[];
  /** Tokens the server accepts; replace the list to "expire" a token. */
  allowed: Set<string>;
  close(): Promise<void>;
}

export async function startGitHttpServer(root: string, allowed: string[]): Promise<GitHttpServer> {
  nock.enableNetConnect("127.0.0.1");
  const tokensSeen: string[] = [];
  const allow = new Set(allowed);
  const server: Server = createServer((req, res) => {
    const token = tokenOf(req);
    if (token !== undefined) tokensSeen.push(token);
    if (token === undefined || !allow.has(token)) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    serveGit(root, req, res);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokensSeen,
    allowed: allow,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function tokenOf(req: IncomingMessage): string | undefined {
  const m = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  if (!m) return undefined;
  const [user, ...rest] = Buffer.from(m[1]!, "base64").toString().split(":");
  return user === "x-access-token" ? rest.join(":") : undefined;
}

function serveGit(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const child = spawn("git", ["http-backend"], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "x-access-token",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      GIT_HTTP_MAX_REQUEST_BUFFER: "100M",
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString().split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name === "status") status = Number(value.split(" ")[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  child.on("close", () => res.end());
  child.on("error", () => res.writeHead(500).end());
}
