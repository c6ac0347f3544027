import { z } from "zod";
import { RemoteError } from "../../domain/errors.ts";
import { resolve } from "node:path";
import type { AppDeps } from "../deps.ts";
import { findFreshSession } from "../sessions/fresh-session.ts";
import { getWorkspace } from "../workspace/control.ts";
import type { WorkspaceRecord } from "../../domain/workspace/workspace.ts";
import { commitSessionFolder, materialiseWorkspace, SESSION_WORKSPACE_META, SHARED_FOLDER_META } from "../workspace/session-folder.ts";
import { jsonResponse } from "./errors.ts";
import { defineRoute, type Route } from "./route.ts";
import type { CreateSessionBody } from "./schemas.ts";

type Body = z.infer<typeof CreateSessionBody>;

/** The meta key of a session record holding the client's idempotency key. */
const IDEMPOTENCY_META = "idempotencyKey";

/** A start this key already made (one that failed to get going does not count): answered instead of starting a second session. */
export function earlierStart(app: Pick<AppDeps, "store">, body: Body): string | undefined {
  if (body.idempotencyKey === undefined) return undefined;
  return app.store().list().find((s) => s.meta[IDEMPOTENCY_META] === body.idempotencyKey && s.state !== "failed")?.id;
}

/** What a session record keeps of a start: the client's metadata, its workspace and its idempotency key. */
export function startMeta(body: Body, folder?: PreparedFolder): Record<string, unknown> | undefined {
  const meta = {
    ...(folder?.shared && { [SHARED_FOLDER_META]: true }),
    ...(body.metadata !== undefined && { metadata: body.metadata }),
    ...(body.workspace !== undefined && { [SESSION_WORKSPACE_META]: body.workspace }),
    ...(body.idempotencyKey !== undefined && { [IDEMPOTENCY_META]: body.idempotencyKey }),
  };
  return Object.keys(meta).length === 0 ? undefined : meta;
}

export type PreparedFolder = { readonly cwd: string | undefined; readonly shared: boolean };

/** A workspace's session's cwd: its path, or the folder inside it the body names (on every target). */
export function workspaceCwd(record: WorkspaceRecord, asked: string | undefined): string {
  const cwd = resolve(record.path, asked ?? ".");
  if (cwd !== record.path && !cwd.startsWith(`${record.path.replace(/\/$/, "")}/`)) {
    throw new RemoteError("CWD_OUTSIDE_WORKSPACE", `Cannot start a session for workspace '${record.id}' in '${cwd}': the workspace lives at '${record.path}'`, "Drop cwd (the session starts at the workspace's path), or name a folder inside it.", "usage");
  }
  return cwd;
}

/**
 * POST /sessions with a workspace on the local target: the workspace materialised at its
 * path before the agent starts; the session's cwd (that path unless the body names a
 * folder inside it). `shared`: the path is the client's own folder (same machine).
 */
export async function prepareWorkspaceFolder(app: AppDeps, body: Body, origin: string): Promise<PreparedFolder> {
  if (body.workspace === undefined) return { cwd: body.cwd, shared: false };
  const cwd = workspaceCwd(getWorkspace(app, body.workspace), body.cwd);
  const { shared } = await materialiseWorkspace(app, body.workspace, origin, body.idempotencyKey);
  return { cwd, shared };
}

const CommitJson = z.object({ workspaceId: z.string(), version: z.number().int(), filesChanged: z.number().int().describe("Paths the session's folder changed (0: nothing to commit, no new version)") });

/** POST /sessions/:ref/workspace: what `remote migrate back` asks before it pulls. */
export function sessionFolderRoutes(app: AppDeps): Route[] {
  return [
    defineRoute({
      method: "POST",
      path: "/sessions/:ref/workspace",
      operationId: "commitSessionFolder",
      summary: "Commit what changed in the folder of a session started for a workspace to that workspace (under its lock); 409 when a path changed both there and in the workspace",
      responses: { 200: { description: "The workspace's version after the commit", schema: CommitJson } },
      // Fresh: a container session that ended by itself is read off its volumes, not exec'd into.
      handle: async ({ params }) => jsonResponse(200, await commitSessionFolder(app, await findFreshSession(app, params.ref as string))),
    }),
  ];
}
