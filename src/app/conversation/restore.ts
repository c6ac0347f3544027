import { OPENCODE_EXPORT, mergeSideFile, type ConversationBundle } from "../../domain/conversation/bundle.ts";
import { opencodeCopy } from "../../domain/conversation/opencode-copy.ts";
import { isTranscript, isTranscriptOf, transcriptDir } from "../../domain/conversation/locate.ts";
import type { ConversationPorts } from "../../domain/conversation/ports.ts";
import { decideRestore, reidentify, transcriptItems, type ConversationPolicy, type RestoreDecision } from "../../domain/conversation/restore-rules.ts";
import { RemoteError } from "../../domain/errors.ts";

export type RestoreRequest = {
  readonly bundle: ConversationBundle;
  readonly cwd: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string>>;
  readonly policy?: ConversationPolicy | undefined;
  /** A fresh conversation id, for the backup of a diverged local one. */
  readonly newId: () => string;
};

export type RestoreOutcome = {
  readonly decision: RestoreDecision;
  /** The conversation to resume (always the incoming id: the local one moved aside under backupId). */
  readonly id: string;
  readonly backupId?: string;
};

const diverged = (bundle: ConversationBundle) =>
  new RemoteError(
    "CONVERSATION_DIVERGED",
    `Cannot restore ${bundle.profile} conversation '${bundle.id}': it went on differently on both sides`,
    "Nothing was changed. Choose: --on-conflict backup (keep this side's under a new id, take the other) or keep-local.",
    "conflict",
  );

/** opencode's export: its messages are the items compared. */
const exportItems = (json: string): string[] => {
  const parsed = JSON.parse(json) as { messages?: unknown[] };
  return (parsed.messages ?? []).map((message) => JSON.stringify(message));
};

/** Writes an incoming conversation on this side by the restore rules; `block` on divergence throws and writes nothing. */
export async function restoreConversation(ports: ConversationPorts, request: RestoreRequest): Promise<RestoreOutcome> {
  const { bundle, home, cwd, policy } = request;
  if (bundle.profile === "opencode") {
    const context = { home, cwd, env: request.env };
    const incoming = bundle.files.find((file) => file.path === OPENCODE_EXPORT)?.content;
    if (incoming === undefined) throw new RemoteError("CONVERSATION_INCOMPLETE", `Cannot restore opencode session '${bundle.id}': the bundle has no export`, "Migrate again from the other side.", "corrupt");
    const local = await ports.opencode.exportSession(bundle.id, context);
    const decision = decideRestore(local === undefined ? undefined : exportItems(local), exportItems(incoming), policy);
    if (decision.action === "block") throw diverged(bundle);
    let backupId: string | undefined;
    if (decision.action === "backup-then-write" && local !== undefined) {
      const copy = opencodeCopy(local, bundle.id, request.newId());
      backupId = copy.id;
      await ports.opencode.importSession(copy.json, context);
      // opencode's import only adds messages: the diverged copy goes first, or both sides would mix.
      await ports.opencode.deleteSession(bundle.id, context);
    }
    if (decision.action === "write" || decision.action === "backup-then-write") await ports.opencode.importSession(incoming, context);
    return backupId === undefined ? { decision, id: bundle.id } : { decision, id: bundle.id, backupId };
  }

  const profile = bundle.profile;
  const transcript = bundle.files.find((file) => isTranscript(profile, file.path));
  if (transcript === undefined) throw new RemoteError("CONVERSATION_INCOMPLETE", `Cannot restore ${profile} conversation '${bundle.id}': the bundle has no transcript`, "Migrate again from the other side.", "corrupt");
  // The same conversation may sit under another file name here (codex/gemini name files by start time).
  const existing = ports.files.list(home, transcriptDir(profile, cwd)).find((entry) => isTranscriptOf(profile, entry.path, bundle.id, cwd))?.path;
  // Claude's folder is this side's cwd key (equal to the other side's under path parity).
  const target = existing ?? (profile === "claude" ? `${transcriptDir("claude", cwd)}/${bundle.id}.jsonl` : transcript.path);
  const local = existing === undefined ? undefined : ports.files.read(home, existing);
  const decision = decideRestore(local === undefined ? undefined : transcriptItems(local), transcriptItems(transcript.content), policy);
  if (decision.action === "block") throw diverged(bundle);
  let backupId: string | undefined;
  if (decision.action === "backup-then-write" && local !== undefined) {
    backupId = request.newId();
    const moved = reidentify({ path: target, content: local }, bundle.id, backupId);
    ports.files.write(home, moved.path, moved.content);
  }
  if (decision.action === "write" || decision.action === "backup-then-write") ports.files.write(home, target, transcript.content);
  for (const side of bundle.files.filter((file) => file !== transcript)) {
    const merged = mergeSideFile(ports.files.read(home, side.path), side.content);
    if (merged !== undefined) ports.files.write(home, side.path, merged);
  }
  return backupId === undefined ? { decision, id: bundle.id } : { decision, id: bundle.id, backupId };
}
