import type { AppDeps } from "../deps.ts";
import { jsonResponse } from "./errors.ts";
import { openApiDocument } from "./openapi.ts";
import { pageRoutes } from "./page-routes.ts";
import { defineRoute, type Route } from "./route.ts";
import { Health } from "./schemas.ts";
import { sessionRoutes } from "./session-routes.ts";
import { conversationRoutes } from "./conversation-routes.ts";
import { sessionFolderRoutes } from "./session-folder-routes.ts";
import { workspaceRoutes } from "./workspace-routes.ts";
import { mergeRoutes } from "./merge-routes.ts";
import { eventRoutes } from "./event-routes.ts";

/** The whole route table: the router, the auth gate and /openapi.json all read this one list. */
export function allRoutes(app: AppDeps, version: string, log: (line: string) => void): Route[] {
  const routes: Route[] = [
    defineRoute({
      method: "GET",
      path: "/healthz",
      operationId: "health",
      summary: "Liveness probe (no token needed)",
      public: true,
      responses: { 200: { description: "The server answers", schema: Health } },
      handle: () => jsonResponse(200, { ok: true, version }),
    }),
    defineRoute({
      method: "GET",
      path: "/openapi.json",
      operationId: "openapi",
      summary: "This document: OpenAPI 3.1 of every route",
      responses: { 200: { description: "The OpenAPI document" } },
      handle: () => jsonResponse(200, document),
    }),
    ...sessionRoutes(app),
    ...conversationRoutes(app),
    ...sessionFolderRoutes(app),
    ...workspaceRoutes(app),
    ...mergeRoutes(app),
    ...eventRoutes(app),
    ...pageRoutes(app, log),
  ];
  const document = openApiDocument(routes, version);
  return routes;
}
