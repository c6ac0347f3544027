/**
 * An HTTP server on 127.0.0.1 that writes down every request it gets (method, path,
 * headers), WebSocket upgrade attempts included, and answers as told (by default like an
 * empty control plane: no sessions, anything else 404). The peer a token must never reach.
 */
import type { Server } from "bun";

export type RecordedRequest = { readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string>> };

export type RecordingServer = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Resolves once `count` requests have arrived in all. */
  readonly received: (count: number, timeoutMs?: number) => Promise<void>;
  /** Every header value any request carried that contains `secret`, as "path header". */
  readonly carrying: (secret: string) => string[];
  readonly stop: () => void;
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Answers like a control plane that has no sessions. */
export const emptyControlPlane = (request: Request): Response => {
  const path = new URL(request.url).pathname;
  if (request.method === "GET" && path === "/sessions") return json(200, { sessions: [] });
  return json(404, { code: "SESSION_NOT_FOUND", message: `Cannot find ${path} here (recording server)` });
};

export function startRecordingServer(answer: (request: Request) => Response = emptyControlPlane): RecordingServer {
  const requests: RecordedRequest[] = [];
  const waiters: Array<() => void> = [];
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      requests.push({ method: request.method, path: new URL(request.url).pathname, headers });
      for (const wake of waiters.splice(0)) wake();
      return answer(request);
    },
  });
  const port = server.port as number;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    received: (count, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} requests; got ${requests.length}`)), timeoutMs);
        const check = () => {
          if (requests.length >= count) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
    carrying: (secret) => requests.flatMap((r) => Object.entries(r.headers).flatMap(([name, value]) => (value.includes(secret) ? [`${r.path} ${name}`] : []))),
    stop: () => server.stop(true),
  };
}
