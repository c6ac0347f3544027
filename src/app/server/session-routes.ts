import { RemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { findSession, liveSocket } from "../sessions/find.ts";
import { renameSession, sendToSession, sessionText, stopSession } from "../sessions/manage.ts";
import { runSession } from "../sessions/run.ts";
import type { AttachData } from "./attach-relay.ts";
import { offeredProtocols, WS_PROTOCOL } from "./auth.ts";
import { decodeCredentialBundle } from "../credentials/run-bundle.ts";
import { prepareSessionHome, refreshCredentials } from "../credentials/session-home.ts";
import { jsonResponse } from "./errors.ts";
import { defineRoute, type Route } from "./route.ts";
import { CreateSessionBody, ErrorBody, CredentialsBody, CredentialsResult, LogsQuery, LogsResult, RenameBody, SendBody, SessionJson, SessionList, StopBody } from "./schemas.ts";
import { toSessionJson } from "./session-json.ts";
import { bodyTarget } from "./body-target.ts";
import { refreshContainerSession } from "../credentials/refresh-container.ts";
import { listFreshSessionsWithAgents, runInContainer } from "../targets/container-sessions.ts";
import { findFreshSession } from "../sessions/fresh-session.ts";
import { conversationRestore } from "./conversation-routes.ts";
import { earlierStart, prepareWorkspaceFolder, startMeta, workspaceCwd } from "./session-folder-routes.ts";
import { CONTAINER_HOME, kubernetesPlacement } from "../../domain/target.ts";
import { containerLayout, containerPreparation, CONVERSATION_META } from "../targets/container-workspace.ts";
import { captureBeforeStop } from "../targets/container-keep.ts";
import { getWorkspace } from "../workspace/control.ts";

const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** /sessions: thin wrappers over the same use cases the CLI runs (target `local`, `docker` or `kubernetes`). */
export function sessionRoutes(app: AppDeps): Route[] {
  // A container session's record is refreshed from its engine first, as `remote ls` does.
  const sessionJson = async (ref: string) => toSessionJson(await findFreshSession(app, ref));
  const session = { description: "The session, as `remote ls --json` prints it", schema: SessionJson };

  return [
    defineRoute({
      method: "GET",
      path: "/sessions",
      operationId: "listSessions",
      summary: "List sessions (running, and exited ones until pruned)",
      responses: { 200: { description: "Every session", schema: SessionList } },
      handle: async () => jsonResponse(200, { sessions: (await listFreshSessionsWithAgents(app)).map(toSessionJson) }),
    }),
    defineRoute({
      method: "POST",
      path: "/sessions",
      operationId: "createSession",
      summary: "Start a session, detached, on target local, docker or kubernetes (like `remote run --detach [--target docker|kubernetes]`)",
      body: CreateSessionBody,
      responses: { 201: session, 200: { description: "The session an earlier POST with the same idempotencyKey started", schema: SessionJson } },
      handle: async ({ body, request }) => {
        // A retry of a start whose answer was lost: the session it started, nothing new.
        const earlier = earlierStart(app, body);
        if (earlier !== undefined) return jsonResponse(200, await sessionJson(earlier));
        // Target fields first: one the target cannot honour is refused before anything starts.
        const where = bodyTarget(body, app.config.defaultTarget);
        // Bad credential paths fail here, before a session is started for nothing.
        const credentials = body.credentials ? decodeCredentialBundle(body.credentials) : undefined;
        // The session's PTY starts at the size the client asked for (there is no terminal here).
        const size = { cols: body.cols ?? DEFAULT_SIZE.cols, rows: body.rows ?? DEFAULT_SIZE.rows };
        const deps: AppDeps = { ...app, terminal: { ...app.terminal, size: () => size } };
        if (where.target !== "local") {
          // A Pod goes to the server's kube context and namespace unless the body names others; the credential
          // bundle is the client's (its own HOME's files): no tools to collect again here.
          const kubernetes = kubernetesPlacement(where, app.config.kube.namespace);
          const workspace = body.workspace === undefined ? undefined : getWorkspace(app, body.workspace);
          // Path parity: HOME and the workspace at the laptop's paths; its files and the conversation put in through exec before the agent starts.
          const layout = workspace && containerLayout(workspace, kubernetes ? (app.env.HOME ?? "") : CONTAINER_HOME);
          const prepare = workspace || body.conversation ? containerPreparation(app, { workspace, conversation: body.conversation, policy: body.conversationPolicy, origin: new URL(request.url).origin }) : undefined;
          const meta = { ...startMeta(body), ...(body.conversation && { [CONVERSATION_META]: body.conversation.id }) };
          const started = await runInContainer(deps, { profile: body.profile, name: body.displayName, cwd: workspace ? workspaceCwd(workspace, body.cwd) : body.cwd, resume: body.resume, model: body.model, effort: body.effort, args: body.startupArgs, meta: Object.keys(meta).length === 0 ? undefined : meta, image: where.image, cpu: where.cpu, memory: where.memory, kubernetes, credentials: credentials && { files: credentials, tools: [] }, layout, prepare });
          return jsonResponse(201, await sessionJson(started.id));
        }
        // A workspace's session works at its path, materialised there first.
        const folder = await prepareWorkspaceFolder(app, body, new URL(request.url).origin);
        const restoreInto = conversationRestore(app, { ...body, cwd: folder.cwd });
        const { session: started } = await runSession(deps, {
          profile: body.profile,
          name: body.displayName,
          cwd: folder.cwd,
          detach: true,
          resume: body.resume,
          model: body.model,
          effort: body.effort,
          args: body.startupArgs,
          meta: startMeta(body, folder),
          env: body.env === undefined ? undefined : Object.fromEntries(Object.entries(body.env).filter((e): e is [string, string] => e[1] !== undefined)),
          // Its own HOME with the files in place before the agent starts, so it never runs without them;
          // a migrated conversation lands in that HOME (or the server's) before the agent resumes it.
          prepareHome:
            credentials || restoreInto
              ? async (id) => {
                  const home = credentials ? prepareSessionHome(app, id, credentials) : undefined;
                  await restoreInto?.(home ?? app.env.HOME ?? "");
                  return home;
                }
              : undefined,
        });
        return jsonResponse(201, await sessionJson(started.id));
      },
    }),
    defineRoute({
      method: "GET",
      path: "/sessions/:ref",
      operationId: "getSession",
      summary: "One session by id, name, or unique id prefix",
      responses: { 200: session },
      handle: async ({ params }) => jsonResponse(200, await sessionJson(params.ref as string)),
    }),
    defineRoute({
      method: "PATCH",
      path: "/sessions/:ref",
      operationId: "renameSession",
      summary: "Rename a session",
      body: RenameBody,
      responses: { 200: session },
      handle: async ({ params, body }) => jsonResponse(200, await sessionJson(renameSession(app, params.ref as string, body.displayName).id)),
    }),
    defineRoute({
      method: "POST",
      path: "/sessions/:ref/stop",
      operationId: "stopSession",
      summary: "Stop a session (SIGHUP, then TERM, then KILL); answers once it has exited",
      body: StopBody,
      responses: { 200: session },
      handle: async ({ params, body }) => {
        const found = await findFreshSession(app, params.ref as string);
        // A workspace's container session: its conversation and folder kept first (nothing can be exec'd once it is gone).
        await captureBeforeStop(app, found);
        return jsonResponse(200, toSessionJson(await stopSession(app, found.id, body.reason)));
      },
    }),
    defineRoute({
      method: "POST",
      path: "/sessions/:ref/send",
      operationId: "sendToSession",
      summary: "Type text into a session (with Enter when enter is true)",
      body: SendBody,
      responses: { 204: { description: "Delivered to the session's terminal" } },
      handle: async ({ params, body }) => {
        await sendToSession(app, params.ref as string, body.text, body.enter ?? false);
        return new Response(null, { status: 204 });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/sessions/:ref/logs",
      operationId: "sessionLogs",
      summary: "Scrollback as plain text (live, or what an exited session saved)",
      query: LogsQuery,
      responses: { 200: { description: "The text and, for a live session, the output offset it reflects", schema: LogsResult } },
      handle: async ({ params, query }) => {
        const { text, offset } = await sessionText(app, params.ref as string, query.lines);
        return jsonResponse(200, offset === undefined ? { text } : { text, offset });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/sessions/:ref/credentials",
      operationId: "refreshCredentials",
      summary: "Write credential files (0600) into the HOME of a session started with credentials, where its CLI reads them; skipped when unchanged",
      body: CredentialsBody,
      responses: { 200: { description: "How many files were written, or skipped=true when the bundle hash is unchanged", schema: CredentialsResult } },
      handle: async ({ params, body }) => {
        const files = decodeCredentialBundle(body.credentials);
        const found = await findFreshSession(app, params.ref as string);
        // A container session gets the files through its exec (files only, as `remote refresh --soft`: a client's request never restarts it).
        if (found.target === undefined) return jsonResponse(200, refreshCredentials(app, found.id, files));
        const { restarted: _never, ...outcome } = await refreshContainerSession(app, found, files, { soft: true });
        return jsonResponse(200, outcome);
      },
    }),
    defineRoute<undefined, undefined, AttachData>({
      method: "GET",
      path: "/sessions/:ref/attach",
      operationId: "attachSession",
      summary: "Attach over WebSocket: one host-protocol frame per binary message",
      websocket: true,
      responses: { 101: { description: "Switching to the WebSocket protocol" }, 426: { description: "Not a WebSocket upgrade request" } },
      handle: ({ request, params, server }) => {
        if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
          return jsonResponse(426, { code: "WEBSOCKET_REQUIRED", message: "Cannot attach over plain HTTP: this route is a WebSocket", hint: "Open it with a WebSocket client (subprotocol remote.v1)." }, { upgrade: "websocket" });
        }
        // Unknown -> 404, ended -> 409: both answered before the upgrade.
        const found = findSession(app, params.ref as string);
        const socketPath = liveSocket(found);
        // Answer with remote.v1 when offered; never echo the bearer.<token> entry.
        const headers: Record<string, string> = offeredProtocols(request).includes(WS_PROTOCOL) ? { "sec-websocket-protocol": WS_PROTOCOL } : {};
        if (server.upgrade(request, { data: { sessionId: found.id, socketPath }, headers })) return undefined;
        throw new RemoteError("UPGRADE_FAILED", `Cannot attach to session '${found.name}': the WebSocket upgrade failed`, "Retry with a WebSocket client.", "invalid");
      },
    }),
  ];
}
