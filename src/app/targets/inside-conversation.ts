/**
 * A conversation inside a session's container, run there through the target's exec with
 * the request on stdin: `remote __conversation restore` writes a migrated one into this
 * HOME by the restore rules and policy (before the agent starts), `remote __conversation stage`
 * reads one out (what `migrate back` brings home). The same use cases as a local HOME's.
 */
import { z } from "zod";
import { ConversationBundleSchema } from "../../domain/conversation/bundle.ts";
import { MIGRATABLE_PROFILES } from "../../domain/conversation/locate.ts";
import { CONVERSATION_POLICIES, uuidFrom } from "../../domain/conversation/restore-rules.ts";
import { RemoteError } from "../../domain/errors.ts";
import { restoreConversation, type RestoreOutcome } from "../conversation/restore.ts";
import { stageConversation } from "../conversation/stage.ts";
import type { AppDeps } from "../deps.ts";

type Deps = Pick<AppDeps, "conversations" | "env" | "random">;

export const RestoreInside = z.object({ bundle: ConversationBundleSchema, cwd: z.string().startsWith("/"), policy: z.enum(CONVERSATION_POLICIES).optional() }).strict();
export const StageInside = z.object({ profile: z.enum(MIGRATABLE_PROFILES), id: z.string().min(1).max(200).optional(), cwd: z.string().startsWith("/") }).strict();

const homeOf = (deps: Pick<AppDeps, "env">): string => {
  const home = deps.env.HOME;
  if (!home?.startsWith("/")) throw new RemoteError("NO_HOME", "Cannot reach the conversation: HOME is not set to an absolute path in the session's container", undefined, "internal");
  return home;
};

function parse<T>(schema: z.ZodType<T>, input: Uint8Array): T {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(input));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  // Never the parser's message: it could quote a transcript.
  if (!parsed.success) throw new RemoteError("BAD_CONVERSATION_INPUT", "Cannot read the conversation request from stdin: not the JSON the control plane sends", "This command is internal.", "usage");
  return parsed.data;
}

export async function restoreInside(deps: Deps, input: Uint8Array): Promise<RestoreOutcome> {
  const request = parse(RestoreInside, input);
  return restoreConversation(deps.conversations(), { ...request, home: homeOf(deps), env: deps.env, newId: () => uuidFrom(deps.random.random) });
}

export async function stageInside(deps: Deps, input: Uint8Array) {
  const request = parse(StageInside, input);
  return stageConversation(deps.conversations(), { ...request, home: homeOf(deps), env: deps.env });
}
