/**
 * `remote migrate back`: stop (or keep) the far session, bring its conversation home and
 * restore it by the restore rules, pull the folder (3-way merge), and print the exact
 * command that resumes the conversation here, its id included. Each step is recorded in
 * .remote/migration.json; after an interruption (or a blocked conversation) the same
 * command carries on from the step that did not finish.
 */
import { restoreConversation } from "../conversation/restore.ts";
import { uuidFrom, type ConversationPolicy } from "../../domain/conversation/restore-rules.ts";
import { RemoteError } from "../../domain/errors.ts";
import { resumeCommands, withStep, type MigrationState } from "../../domain/migrate/migration.ts";
import type { ConflictPolicy } from "../../domain/workspace/merge-plan.ts";
import type { AppDeps } from "../deps.ts";
import { createLazyEvents } from "../plugins.ts";
import { createRemoteClient } from "../remote/client.ts";
import { requireRemote } from "../remote/route.ts";
import { pullWorkspace } from "../workspace/pull.ts";
import { readLink } from "../workspace/local-state.ts";
import { readMigration, writeMigration } from "./state.ts";

export type MigrateBackOptions = {
  /** Files: as `workspace pull --on-conflict`; the conversation: block (default), backup, keep-local (take-remote backs up). */
  readonly onConflict?: ConflictPolicy | undefined;
  /** Leave the far session running. */
  readonly keep?: boolean | undefined;
  readonly insecure?: boolean | undefined;
};
export type MigrateBackResult = {
  readonly workspaceId: string;
  readonly conversationId: string;
  readonly stoppedSessionId?: string;
  /** The local CLI's own command that resumes the conversation, id included. */
  readonly resumeCommand: string;
  /** The same through remote: `remote run <profile> --resume <id>`. */
  readonly remoteResumeCommand: string;
  /** The local conversation that had diverged, kept under this id (policy backup). */
  readonly backupId?: string;
  /** Paths the pull left for a person (markers, .bak files). */
  readonly conflicts: readonly string[];
  readonly hasConflicts: boolean;
};

export type BackDeps = Pick<AppDeps, "workspace" | "conversations" | "env" | "config" | "cwd" | "random" | "clock" | "log" | "importModule" | "git">;

/** Files have four policies, a conversation three: taking the far one never loses the local one. */
const conversationPolicy = (policy: ConflictPolicy | undefined): ConversationPolicy | undefined => (policy === "take-remote" ? "backup" : policy);

export async function migrateBack(deps: BackDeps, options: MigrateBackOptions = {}): Promise<MigrateBackResult> {
  const root = deps.cwd;
  let state: MigrationState | undefined = readMigration(deps, root);
  if (state === undefined || state.where !== "away" || state.sessionId === undefined) {
    throw new RemoteError("NOT_MIGRATED", `Cannot migrate '${root}' back: nothing from this folder runs elsewhere`, "Start with `remote migrate forward <profile>` (this folder's .remote/migration.json records it).", "usage");
  }
  const sessionId = state.sessionId;
  const target = requireRemote(deps, { remote: state.remote, insecure: options.insecure });
  const client = createRemoteClient(target);
  const commands = resumeCommands(state.profile, state.conversationId);

  let stopped: string | undefined;
  if (!state.back.includes("stop")) {
    if (!options.keep) {
      const session = await client.get(sessionId);
      // Stopped first, so the transcript that comes home is the last one the agent wrote.
      if (session.state === "running" || session.state === "starting") await client.stop(sessionId, "migrated back");
      stopped = sessionId;
    }
    state = writeMigration(deps, root, withStep(state, "back", "stop"));
  }
  if (!state.back.includes("conversation")) {
    const bundle = await client.conversation(sessionId, state.conversationId);
    // A diverged conversation under `block` throws here, before any file of the folder is touched.
    const restored = await restoreConversation(deps.conversations(), { bundle, cwd: root, home: deps.env.HOME ?? "", env: deps.env, policy: conversationPolicy(options.onConflict), newId: () => uuidFrom(deps.random.random) });
    state = writeMigration(deps, root, withStep({ ...state, ...(restored.backupId !== undefined && { backupId: restored.backupId }) }, "back", "conversation"));
  }
  if (!state.back.includes("commit")) {
    // The far session's own edits join the workspace, so the pull below brings them home.
    await client.commitFolder(sessionId);
    state = writeMigration(deps, root, withStep(state, "back", "commit"));
  }
  if (!state.back.includes("pull")) {
    const pulling = state;
    // Recorded as soon as the files are written (before any plugin hears of it): a re-run never pulls twice.
    // A pull that left conflicts is done too: running it again would meet the same ones; a person settles them.
    const onWritten = (pulled: { readonly conflicts: readonly { readonly path: string }[]; readonly exitCode: number }) => {
      state = writeMigration(deps, root, withStep({ ...pulling, conflicts: pulled.conflicts.filter(() => pulled.exitCode !== 0).map((c) => c.path) }, "back", "pull"));
    };
    await pullWorkspace(deps, { insecure: options.insecure, onConflict: options.onConflict, onWritten });
  }
  const done = writeMigration(deps, root, { ...state, where: "home" });
  const conflicts = done.conflicts ?? [];
  const result: MigrateBackResult = {
    workspaceId: readLink(deps, root)?.workspaceId ?? "",
    conversationId: done.conversationId,
    resumeCommand: commands.cli,
    remoteResumeCommand: commands.remote,
    conflicts,
    hasConflicts: conflicts.length > 0,
    ...(stopped !== undefined && { stoppedSessionId: stopped }),
    ...(done.backupId !== undefined && { backupId: done.backupId }),
  };
  await createLazyEvents(deps)("migrate:back", { path: root, profile: done.profile, conversationId: done.conversationId, remote: done.remote, sessionId, backupId: done.backupId, conflicts, resumeCommand: commands.cli });
  return result;
}
