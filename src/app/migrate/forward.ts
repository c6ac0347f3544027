/**
 * `remote migrate forward <profile>`: push this folder, start the agent on the control
 * plane resuming the same conversation (restored into that session's HOME before it
 * starts), attach. Each step is written to .remote/migration.json as it completes, so
 * running the command again after an interruption carries on; once started, running it
 * again reconnects to the far session.
 */
import { stageConversation } from "../conversation/stage.ts";
import { coerceCliProfileName } from "../../domain/profiles.ts";
import { isMigratable, MIGRATABLE_PROFILES, type MigratableProfile } from "../../domain/conversation/locate.ts";
import type { ConversationPolicy } from "../../domain/conversation/restore-rules.ts";
import { RemoteError } from "../../domain/errors.ts";
import { forwardState, withStep } from "../../domain/migrate/migration.ts";
import type { AttachOutcome } from "../sessions/attach-terminal.ts";
import { bundleForRun, base64Credentials, type AuthFlags } from "../credentials/run-bundle.ts";
import type { AppDeps } from "../deps.ts";
import { createLazyEvents } from "../plugins.ts";
import { attachRemoteSession } from "../remote/attach.ts";
import { createRemoteClient } from "../remote/client.ts";
import { requireRemote } from "../remote/route.ts";
import { pushWorkspace } from "../workspace/push.ts";
import { readLink } from "../workspace/local-state.ts";
import { readMigration, writeMigration } from "./state.ts";

export type MigrateForwardOptions = {
  readonly profile: string;
  /** The conversation to move: an id, or true/undefined for the latest one of this folder. */
  readonly resume?: string | true | undefined;
  /** The far control plane's target (local, docker, kubernetes); its default when absent. */
  readonly target?: "local" | "docker" | "kubernetes" | undefined;
  readonly remote?: string | undefined;
  readonly insecure?: boolean | undefined;
  /** Push and start, then return: the person attaches when they like. */
  readonly noAttach?: boolean | undefined;
  /** When the far HOME holds a diverged copy of the conversation. @default "block" */
  readonly conversationPolicy?: ConversationPolicy | undefined;
  readonly auth?: AuthFlags | undefined;
};
export type MigrateForwardResult = {
  readonly workspaceId: string;
  readonly sessionId: string;
  readonly conversationId: string;
  readonly remote: string;
  /** Set unless noAttach: how the attach ended. */
  readonly attached?: AttachOutcome;
};

export type ForwardDeps = Pick<AppDeps, "workspace" | "conversations" | "env" | "config" | "cwd" | "random" | "clock" | "log" | "importModule" | "git" | "terminal" | "stderr" | "homeFiles" | "process" | "statusProbe">;

export function migratableProfile(name: string): MigratableProfile {
  const profile = coerceCliProfileName(name);
  if (profile === undefined || !isMigratable(profile)) {
    throw new RemoteError("PROFILE_NOT_MIGRATABLE", `Cannot migrate profile '${name}': its conversation cannot move`, `Profiles that migrate: ${MIGRATABLE_PROFILES.join(", ")}.`, "usage");
  }
  return profile;
}

export async function migrateForward(deps: ForwardDeps, options: MigrateForwardOptions): Promise<MigrateForwardResult> {
  const profile = migratableProfile(options.profile);
  const root = deps.cwd;
  const home = deps.env.HOME ?? "";
  const link = readLink(deps, root);
  const target = requireRemote(deps, { remote: options.remote ?? link?.remote, insecure: options.insecure });
  const client = createRemoteClient(target);
  const existing = readMigration(deps, root);
  if (existing?.where === "away" && existing.profile !== profile) {
    throw new RemoteError("MIGRATION_UNDER_WAY", `Cannot migrate ${profile} from '${root}': a ${existing.profile} migration is under way (session ${existing.sessionId ?? "not started"})`, "Bring it back first: `remote migrate back`.", "conflict");
  }
  const resume = options.resume === true ? undefined : options.resume;
  // The conversation is fixed at the first run: a re-run moves the same one even if another became the latest.
  const conversationId = existing?.where === "away" ? existing.conversationId : (await stageConversation(deps.conversations(), { profile, id: resume, cwd: root, home, env: deps.env })).id;
  let state = writeMigration(deps, root, forwardState(existing, { profile, conversationId, remote: target.url, ...(options.target !== undefined && { target: options.target }) }));

  let workspaceId = link?.workspaceId;
  if (!state.forward.includes("push")) {
    workspaceId = (await pushWorkspace(deps, { remote: target.url, insecure: options.insecure })).workspaceId;
    state = writeMigration(deps, root, withStep(state, "forward", "push"));
  }
  workspaceId ??= readLink(deps, root)?.workspaceId ?? "";

  // Started before and still there: reconnect instead of starting a second one.
  const alive = state.sessionId === undefined ? undefined : await client.get(state.sessionId).then((s) => (s.state === "running" || s.state === "starting" ? s : undefined), () => undefined);
  let sessionId = alive?.id;
  if (sessionId === undefined) {
    // The key is kept until a start is recorded; a recorded session that ended gets a fresh one.
    const startKey = state.startKey !== undefined && state.sessionId === undefined ? state.startKey : deps.random.id(24);
    state = writeMigration(deps, root, { ...state, startKey });
    const bundle = await stageConversation(deps.conversations(), { profile, id: conversationId, cwd: root, home, env: deps.env });
    const credentials = await bundleForRun(deps, profile, options.auth ?? {}, "elsewhere");
    const size = deps.terminal.size();
    const started = await client.create({
      profile,
      cwd: root,
      resume: conversationId,
      conversation: bundle,
      cols: size.cols,
      rows: size.rows,
      metadata: { migratedFrom: root },
      workspace: workspaceId,
      idempotencyKey: startKey,
      ...(options.target !== undefined && { target: options.target }),
      ...(options.conversationPolicy !== undefined && { conversationPolicy: options.conversationPolicy }),
      ...(credentials && { credentials: base64Credentials(credentials.bundle) }),
    });
    sessionId = started.id;
    state = writeMigration(deps, root, withStep({ ...state, sessionId }, "forward", "start"));
    await createLazyEvents(deps)("migrate:forward", { path: root, profile, conversationId, remote: target.url, sessionId, workspaceId });
  }
  const result = { workspaceId, sessionId, conversationId, remote: target.url };
  if (options.noAttach) return result;
  return { ...result, attached: await attachRemoteSession(deps, target, sessionId) };
}
