import { pageHeaders } from "../web/page-headers.ts";
import { pageBundleLoader, SCRIPT_PATH, STYLES_PATH, type PageFile } from "../web/page-bundle.ts";
import page from "../web/page/index.html";
import { errorMessage } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { defineRoute, type Route } from "./route.ts";

/** The file, or 304 when the browser already holds this very version. */
function serveFile(request: Request, file: PageFile): Response {
  const headers = pageHeaders(file.contentType, file.etag);
  if (request.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
  return new Response(file.bytes, { status: 200, headers });
}

/**
 * The browser view: GET / and its two assets, public (no token needed to load them; the
 * page asks for the token and sends it on the API and the WebSocket, never in a URL).
 */
export function pageRoutes(_app: AppDeps, log: (line: string) => void): Route[] {
  const bundle = pageBundleLoader(page, (error) => log(`browser view unavailable (not retried until restart): ${errorMessage(error)}`));
  const route = (path: string, operationId: string, summary: string, description: string, contentType: string, pick: (b: Awaited<ReturnType<typeof bundle>>) => PageFile) =>
    defineRoute({
      method: "GET",
      path,
      operationId,
      summary,
      public: true,
      responses: { 200: { description, contentType }, 304: { description: "Not modified (If-None-Match matched the ETag)" } },
      handle: async ({ request }) => serveFile(request, pick(await bundle())),
    });
  return [
    route("/", "browserView", "The browser view: session list and terminal (it asks for the token)", "The page", "text/html", (b) => b.html),
    route(SCRIPT_PATH, "browserViewScript", "The browser view's script (bundled xterm.js and the attach client)", "JavaScript", "text/javascript", (b) => b.script),
    route(STYLES_PATH, "browserViewStyles", "The browser view's style sheet", "CSS", "text/css", (b) => b.styles),
  ];
}
