import type { Server, WebSocketHandler } from "bun";
import type { AppDeps } from "../deps.ts";
import { createAttachRelay, type AttachData } from "./attach-relay.ts";
import { createTokenCheck, refuseQueryToken, requireToken } from "./auth.ts";
import { parseJsonBody, parseQuery } from "./body.ts";
import { errorResponse, methodNotAllowed, notFound } from "./errors.ts";
import type { Route } from "./route.ts";
import { createRouter } from "./router.ts";
import { allRoutes } from "./routes.ts";

export type HttpHandlerOptions = {
  readonly token: string;
  /** Shown in 401 hints so a person knows where to look (never the token itself). */
  readonly tokenFile: string;
  readonly version: string;
  /** @default app.config.maxBodyBytes */
  readonly maxBodyBytes?: number;
  /** One line per request; @default app.stderr */
  readonly logLine?: (line: string) => void;
};

export type HttpHandler = {
  readonly fetch: (request: Request, server: Server<AttachData>) => Promise<Response | undefined>;
  readonly websocket: WebSocketHandler<AttachData>;
  readonly routes: readonly Route[];
  /** Closes every attach relay (server shutdown); session hosts keep running. */
  readonly closeAll: () => void;
};

/**
 * The control plane's HTTP + WebSocket handler for Bun.serve. Order per request: a token in
 * the query is refused; public routes answer; everything else needs the token BEFORE the
 * router says 404 or 405 (so nobody maps the API without it); then the body is read
 * within the limit, validated, and handed to the route.
 */
export function createHttpHandler(app: AppDeps, options: HttpHandlerOptions): HttpHandler {
  const routes = allRoutes(app, options.version);
  const lookup = createRouter(routes);
  const tokenOk = createTokenCheck(options.token);
  const limit = options.maxBodyBytes ?? app.config.maxBodyBytes;
  // Defence in depth: a client that pastes the token into a path or a body field would see
  // it echoed by a "not found" message and logged with the path; it is masked in both.
  const redact = (text: string) => text.replaceAll(options.token, "<token>");
  const write = options.logLine ?? ((line: string) => app.stderr(`${line}\n`));
  const log = (line: string) => write(redact(line));
  const masked = async (response: Response) => new Response(redact(await response.text()), { status: response.status, headers: response.headers });
  const relay = createAttachRelay(app);

  const respond = async (request: Request, url: URL, server: Server<AttachData>): Promise<Response | undefined> => {
    try {
      refuseQueryToken(url);
      const found = lookup(request.method, url.pathname);
      if (!(found.kind === "found" && found.match.route.public)) requireToken(tokenOk, request, options.tokenFile);
      if (found.kind === "none") throw notFound(request.method, url.pathname);
      if (found.kind === "method") return await masked(methodNotAllowed(request.method, url.pathname, found.allowed));
      const { route, params } = found.match;
      const body = route.body ? await parseJsonBody(request, limit, route.body) : undefined;
      const query = route.query ? parseQuery(url, route.query) : undefined;
      return await route.handle({ request, url, params, body, query, server });
    } catch (error) {
      return await masked(errorResponse(error, log));
    }
  };

  return {
    routes,
    websocket: relay,
    closeAll: relay.closeAll,
    fetch: async (request, server) => {
      const started = performance.now();
      const url = new URL(request.url);
      const response = await respond(request, url, server);
      // Method, path (never the query), status, time: nothing a token or credential could hide in.
      log(`${request.method} ${url.pathname} ${response?.status ?? 101} ${Math.round(performance.now() - started)}ms`);
      return response;
    },
  };
}
