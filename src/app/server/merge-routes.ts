import { RemoteError } from "../../domain/errors.ts";
import { looksLikeText } from "../../domain/workspace/merge-tree.ts";
import type { AppDeps } from "../deps.ts";
import { getWorkspace } from "../workspace/control.ts";
import { jsonResponse } from "./errors.ts";
import { TextsBody, TextsJson } from "./merge-schemas.ts";
import { defineRoute, type Route } from "./route.ts";


/**
 * POST /workspaces/:id/texts: file contents by sha256, as text. A pull's line merge needs
 * the base version of each file both sides changed, which the current manifest no longer
 * lists (so no archive holds it); the blob store still does. Binary blobs are left out.
 */
export function mergeRoutes(app: AppDeps): Route[] {
  return [
    defineRoute({
      method: "POST",
      path: "/workspaces/:id/texts",
      operationId: "workspaceTexts",
      summary: "Texts of stored files by sha256 (a pull's 3-way merge reads the base versions); binary or unknown ones are left out",
      body: TextsBody,
      responses: { 200: { description: "sha256 -> text", schema: TextsJson } },
      handle: ({ params, body }) => {
        getWorkspace(app, params.id as string);
        const { blobs } = app.workspace();
        const texts: Record<string, string> = {};
        let total = 0;
        for (const sha of body.sha256s) {
          const bytes = blobs.get(sha);
          if (bytes === undefined || !looksLikeText(bytes)) continue;
          total += bytes.length;
          if (total > app.config.workspace.maxBytes) throw new RemoteError("TOO_LARGE", `Cannot send ${body.sha256s.length} texts: over the workspace byte limit`, "Ask for fewer at a time.", "too-large");
          texts[sha] = new TextDecoder().decode(bytes);
        }
        return jsonResponse(200, { texts });
      },
    }),
  ];
}
