import { nodeFs } from "../../shared/quick-fs.ts";
import { parentPath } from "../../shared/quick-path.ts";
import { formatSettings, installHooks, parseSettings, uninstallHooks, type HookKind } from "../../domain/claude-settings.ts";
import { applyHookEvent, byTime, enrolledSessionId, parseHookInput, type HookEvent } from "../../domain/enrollment.ts";
import { isRemoteError } from "../../domain/errors.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "fish", "ash", "busybox", "timeout", "env"]);

/** Claude runs hooks through a shell: the agent is the first ancestor that is not one. */
function agentIdentity(deps: Pick<AppDeps, "process">) {
  const agent = deps.process.ancestors().find((p) => !SHELLS.has(p.name));
  return agent ? deps.process.identify(agent.pid) : undefined;
}

/** The hook side: parse, drop one event file, return. Never touches the database, so it stays fast under load. */
export function recordHookEvent(deps: Pick<AppDeps, "process" | "hookInbox" | "clock" | "cwd">, kind: HookKind, stdin: string): HookEvent {
  const event = parseHookInput(kind, stdin, { now: deps.clock.now(), fallbackCwd: deps.cwd, agent: agentIdentity(deps) });
  deps.hookInbox.put(event);
  return event;
}

/** Folds waiting hook events into the store, oldest first; safe to run from many processes at once. */
export function ingestHookEvents(deps: Pick<AppDeps, "store" | "hookInbox">): number {
  const { events, done } = deps.hookInbox.take();
  if (events.length === 0) return 0;
  const store = deps.store();
  for (const event of [...events].sort(byTime)) {
    const id = enrolledSessionId(event.claudeSessionId);
    const first = applyHookEvent(store.get(id), event);
    if ("insert" in first) insertWithFreeName(deps, first.insert);
    // Decide again inside the write transaction: another reader may have stored this event meanwhile.
    store.mutate(id, (current) => {
      const effect = applyHookEvent(current, event);
      return "patch" in effect ? effect.patch : undefined;
    });
  }
  done();
  return events.length;
}

/** Short names clash more easily than ids: fall back to the full id when the short one is taken. */
function insertWithFreeName(deps: Pick<AppDeps, "store">, record: SessionRecord) {
  const candidates = [record.name, record.id.slice(0, 64), `${record.id.slice(0, 55)}-${Date.parse(record.createdAt).toString(36)}`];
  for (const name of candidates) {
    try {
      deps.store().upsert({ ...record, name }, {});
      return;
    } catch (error) {
      if (!(isRemoteError(error) && error.code === "NAME_TAKEN")) throw error;
    }
  }
  throw new Error(`no free name for enrolled session ${record.id}`);
}

export type SettingsResult = { readonly path: string; readonly changed: boolean; readonly backup?: string | undefined };

/** Edits Claude Code's settings.json: one backup before the first change ever, atomic replace, mode kept. */
function editSettings(path: string, edit: (settings: Record<string, unknown>) => { settings: Record<string, unknown>; changed: boolean }): SettingsResult {
  const exists = nodeFs().existsSync(path);
  const text = exists ? nodeFs().readFileSync(path, "utf8") : undefined;
  const result = edit(parseSettings(text, path));
  if (!result.changed) return { path, changed: false };
  let backup: string | undefined;
  if (exists) {
    backup = `${path}.remote-backup`;
    if (!nodeFs().existsSync(backup)) nodeFs().copyFileSync(path, backup);
    else backup = undefined;
  }
  nodeFs().mkdirSync(parentPath(path), { recursive: true });
  writeFileAtomically(path, formatSettings(result.settings), exists ? nodeFs().statSync(path).mode & 0o777 : 0o600);
  return { path, changed: true, backup };
}

export const defaultClaudeSettings = (env: Readonly<Record<string, string>>) => `${env.CLAUDE_CONFIG_DIR ?? `${env.HOME ?? "~"}/.claude`}/settings.json`;

export function installClaudeHooks(deps: Pick<AppDeps, "selfCommand" | "env">, path: string): SettingsResult {
  return editSettings(path, (s) => installHooks(s, deps.selfCommand, deps.env.REMOTE_HOME));
}

export function uninstallClaudeHooks(path: string): SettingsResult {
  if (!nodeFs().existsSync(path)) return { path, changed: false };
  return editSettings(path, uninstallHooks);
}
