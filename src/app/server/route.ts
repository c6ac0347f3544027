import type { Server } from "bun";
import type { z } from "zod";

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** What a handler gets: the parsed, validated input and the server (for the WebSocket upgrade). */
export type RouteContext<Body = unknown, Query = unknown, WsData = unknown> = {
  readonly request: Request;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Body;
  readonly query: Query;
  readonly server: Server<WsData>;
};

export type ResponseSpec = {
  readonly description: string;
  /** JSON schema source; omitted for empty bodies (204) and non-JSON ones. */
  readonly schema?: z.ZodType;
  /** @default "application/json" */
  readonly contentType?: string;
};

/**
 * One row of the route table. The router, the auth gate and /openapi.json all read this
 * table, so the document cannot drift from what is served.
 */
export type Route = {
  readonly method: Method;
  /** `/sessions/:ref`; a last segment `:name*` takes the rest of the path. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** No token needed (health check, the browser page and its assets). */
  readonly public?: boolean;
  readonly body?: z.ZodType;
  /** The body's size limit when it is not the server's max_body_bytes (a workspace manifest of 100,000 paths, an archive). */
  readonly bodyLimit?: number;
  /** A body that is not JSON (the handler reads it), for the OpenAPI document: e.g. a tar archive. */
  readonly rawBody?: { readonly contentType: string; readonly description: string };
  readonly query?: z.ZodObject;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** The route upgrades to a WebSocket (documented as such). */
  readonly websocket?: boolean;
  /** Returns undefined only after a successful WebSocket upgrade. */
  readonly handle: (context: RouteContext<any, any, any>) => Response | undefined | Promise<Response | undefined>;
};

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Typed constructor: the handler's body/query types follow the schemas declared beside it. */
export function defineRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodObject | undefined = undefined, WsData = unknown>(
  route: Omit<Route, "body" | "query" | "handle"> & {
    readonly body?: B;
    readonly query?: Q;
    readonly handle: (context: RouteContext<Out<B>, Out<Q>, WsData>) => Response | undefined | Promise<Response | undefined>;
  },
): Route {
  return route as Route;
}
