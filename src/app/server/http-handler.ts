import type { Server, WebSocketHandler } from "bun";
import type { AppDeps } from "../deps.ts";
import { describePolicy, hostAllowed, originAllowed, type HostPolicy } from "../../domain/allowed-hosts.ts";
import { RemoteError } from "../../domain/errors.ts";
import { createAttachRelay, type AttachData } from "./attach-relay.ts";
import { createTokenCheck, refuseQueryToken, requireToken } from "./auth.ts";
import { parseJsonBody, parseQuery } from "./body.ts";
import { errorResponse, jsonResponse, methodNotAllowed, notFound } from "./errors.ts";
import type { Route } from "./route.ts";
import { createRouter } from "./router.ts";
import { allRoutes } from "./routes.ts";

export type HttpHandlerOptions = {
  readonly token: string;
  /** Shown in 401 hints so a person knows where to look (never the token itself). */
  readonly tokenFile: string;
  readonly version: string;
  /** @default app.config.maxBodyBytes */
  readonly maxBodyBytes?: number | undefined;
  /** One line per request; @default app.stderr */
  readonly logLine?: (line: string) => void;
  /**
   * The Host (and browser Origin) values answered; others get 421 / 403.
   * @default the loopback names (listenControlPlane passes the policy of its listen address)
   */
  readonly hosts?: HostPolicy;
  /** Served over TLS: a Host without a port means 443. @default false */
  readonly tls?: boolean;
  /** @default app.config.controlPlane.maxWebSockets */
  readonly maxWebSockets?: number | undefined;
  /** What one attach may queue while its session host connects. @default 1 MiB */
  readonly maxQueuedBytes?: number | undefined;
};

/** Without a listen address to go by: loopback only. */
const LOOPBACK_ONLY: HostPolicy = { names: ["localhost", "127.0.0.1", "[::1]"], extra: [] };

const misdirected = (host: string | null, policy: HostPolicy) =>
  jsonResponse(421, {
    code: "HOST_NOT_ALLOWED",
    message: `Cannot answer for host '${host?.slice(0, 200) ?? "(none)"}': this control plane serves ${describePolicy(policy)}`,
    hint: "Use one of those addresses, or start `remote serve` with --allow-host NAME (config: allowed_hosts).",
  });

const foreignOrigin = (origin: string) =>
  jsonResponse(403, {
    code: "ORIGIN_NOT_ALLOWED",
    message: `Cannot accept a request from a page of '${origin.slice(0, 200)}': it is not this control plane's own page`,
    hint: "Open the browser view from the control plane's own address, or allow that name with --allow-host NAME (config: allowed_hosts).",
  });

const tooManySockets = (cap: number) =>
  new RemoteError("TOO_MANY_WEBSOCKETS", `Cannot open another WebSocket: ${cap} are open, the most this control plane allows`, "Detach clients you no longer use, or raise the cap with `remote serve --max-websockets N` (config: max_websockets).", "unavailable");

export type HttpHandler = {
  readonly fetch: (request: Request, server: Server<AttachData>) => Promise<Response | undefined>;
  readonly websocket: WebSocketHandler<AttachData>;
  readonly routes: readonly Route[];
  /** Closes every attach relay (server shutdown); session hosts keep running. */
  readonly closeAll: () => void;
};

/**
 * The control plane's HTTP + WebSocket handler for Bun.serve. Order per request: a Host
 * that is not ours is refused (421), a browser Origin that is not ours too (403); a token in
 * the query is refused; public routes answer; everything else needs the token BEFORE the
 * router says 404 or 405 (so nobody maps the API without it); then the body is read
 * within the limit, validated, and handed to the route; a WebSocket upgrade first takes
 * one of the capped slots (503 when none is left).
 */
export function createHttpHandler(app: AppDeps, options: HttpHandlerOptions): HttpHandler {
  const hosts = options.hosts ?? LOOPBACK_ONLY;
  const tokenOk = createTokenCheck(options.token);
  const limit = options.maxBodyBytes ?? app.config.maxBodyBytes;
  // Defence in depth: a client that pastes the token into a path or a body field would see
  // it echoed by a "not found" message and logged with the path; it is masked in both.
  const redact = (text: string) => text.replaceAll(options.token, "<token>");
  const write = options.logLine ?? ((line: string) => app.stderr(`${line}\n`));
  const log = (line: string) => write(redact(line));
  const masked = async (response: Response) => new Response(redact(await response.text()), { status: response.status, headers: response.headers });
  const routes = allRoutes(app, options.version, log);
  const lookup = createRouter(routes);
  const relay = createAttachRelay(app, { maxSockets: options.maxWebSockets ?? app.config.controlPlane.maxWebSockets, ...(options.maxQueuedBytes !== undefined && { maxQueuedBytes: options.maxQueuedBytes }) });

  const respond = async (request: Request, url: URL, server: Server<AttachData>): Promise<Response | undefined> => {
    // Before anything else, the token check included: a rebound name or a foreign page gets nothing.
    const host = request.headers.get("host");
    if (!hostAllowed(hosts, host, options.tls === true)) return await masked(misdirected(host, hosts));
    const origin = request.headers.get("origin");
    if (!originAllowed(hosts, origin, host)) return await masked(foreignOrigin(origin as string));
    try {
      refuseQueryToken(url);
      const found = lookup(request.method, url.pathname);
      if (!(found.kind === "found" && found.match.route.public)) requireToken(tokenOk, request, options.tokenFile);
      if (found.kind === "none") throw notFound(request.method, url.pathname);
      if (found.kind === "method") return await masked(methodNotAllowed(request.method, url.pathname, found.allowed));
      const { route, params } = found.match;
      const body = route.body ? await parseJsonBody(request, route.bodyLimit ?? limit, route.body) : undefined;
      const query = route.query ? parseQuery(url, route.query) : undefined;
      if (!route.websocket) return await route.handle({ request, url, params, body, query, server });
      if (!relay.admit()) throw tooManySockets(relay.maxSockets);
      let upgraded = false;
      try {
        const response = await route.handle({ request, url, params, body, query, server });
        upgraded = response === undefined;
        return response;
      } finally {
        // No upgrade happened (refused, or an error): the slot goes back.
        if (!upgraded) relay.release();
      }
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
