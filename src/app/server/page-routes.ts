import type { AppDeps } from "../deps.ts";
import type { Route } from "./route.ts";

/**
 * The browser view's routes (GET / and its static assets) go here, declared with
 * `public: true` so they need no token (the page asks for it and uses it on the API and
 * the WebSocket). A wildcard last segment serves a folder: `/assets/:path*`.
 * Empty until the browser view lands; GET / is a 404 (behind auth) until then.
 */
export function pageRoutes(_app: AppDeps): Route[] {
  return [];
}
