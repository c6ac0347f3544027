import type { z } from "zod";
import { isMigratable } from "../../domain/conversation/locate.ts";
import { uuidFrom } from "../../domain/conversation/restore-rules.ts";
import { RemoteError } from "../../domain/errors.ts";
import { restoreConversation } from "../conversation/restore.ts";
import { stageConversation } from "../conversation/stage.ts";
import type { AppDeps } from "../deps.ts";
import { findFreshSession } from "../sessions/fresh-session.ts";
import { containerConversation } from "../targets/container-keep.ts";
import { ConversationBundleSchema } from "../../domain/conversation/bundle.ts";
import { jsonResponse } from "./errors.ts";
import { defineRoute, type Route } from "./route.ts";
import { ConversationQuery, type CreateSessionBody } from "./schemas.ts";

/** POST /sessions with a conversation: the restore that runs in the new session's HOME before its agent starts. */
export function conversationRestore(app: AppDeps, body: z.infer<typeof CreateSessionBody>): ((home: string) => Promise<void>) | undefined {
  const bundle = body.conversation;
  if (bundle === undefined) return undefined;
  return async (home) => {
    await restoreConversation(app.conversations(), { bundle, home, cwd: body.cwd ?? app.cwd, env: app.env, policy: body.conversationPolicy, newId: () => uuidFrom(app.random.random) });
  };
}

/** GET /sessions/:ref/conversation: what `remote migrate back` brings home, read from the session's HOME. */
export function conversationRoutes(app: AppDeps): Route[] {
  return [
    defineRoute({
      method: "GET",
      path: "/sessions/:ref/conversation",
      operationId: "sessionConversation",
      summary: "A session's agent conversation (the given id, else its latest in the session's cwd), from the session's HOME",
      query: ConversationQuery,
      responses: { 200: { description: "The conversation, as POST /sessions takes it back", schema: ConversationBundleSchema } },
      handle: async ({ params, query }) => {
        const session = await findFreshSession(app, params.ref as string);
        if (!isMigratable(session.profile)) {
          throw new RemoteError("NO_CONVERSATION", `Cannot read the conversation of session '${session.name}': profile '${session.profile}' keeps none that can move`, "Conversations move for claude, codex, gemini and opencode.", "conflict");
        }
        // A container's HOME is reached through its exec (or, once it ended, what was kept or is read off its volumes).
        if (session.target !== undefined) return jsonResponse(200, await containerConversation(app, session, session.profile, query.id));
        const home = typeof session.meta.home === "string" ? session.meta.home : (app.env.HOME ?? "");
        const bundle = await stageConversation(app.conversations(), { profile: session.profile, id: query.id, cwd: session.cwd, home, env: app.env });
        return jsonResponse(200, bundle);
      },
    }),
  ];
}
