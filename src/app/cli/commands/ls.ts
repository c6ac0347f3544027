import { defineCommand } from "../define-command.ts";
import { json, table, type CliContext } from "../context.ts";
import { listSessions } from "../../sessions/find.ts";
import { toSessionJson } from "../../server/session-json.ts";
import { isRemoteError } from "../../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { resolveRemote, type RemoteChoice } from "../../remote/config.ts";
import { jsonArg } from "./_shared.ts";
import { describeState } from "../../../domain/session-lifecycle.ts";
import { describeAgent } from "../../../domain/agent-state/view.ts";
import { remoteArgs, where } from "./_remote.ts";

const SOURCE = { flag: "--remote", env: "REMOTE_URL", config: "config.toml" } as const;

/** A configured remote that may not be used (plain http off loopback) must not hide the local sessions: a warning, as for an unreachable one. */
function configuredOrGiven(deps: AppDeps, args: RemoteChoice) {
  try {
    return resolveRemote(deps, args);
  } catch (error) {
    if (args.remote !== undefined || !isRemoteError(error) || error.code !== "INSECURE_REMOTE") throw error;
    deps.stderr(`warning: ${error.message} (${error.hint})\n`);
    return undefined;
  }
}

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List sessions (running, and exited ones until pruned), here and on the configured or given remote." },
    args: { json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      // Reads only (until a write): the records come from the running host server, no SQLite open here.
      await deps.readStoreFromHost?.();
      // Container sessions are asked how they are only when there are some (an engine call).
      const hasContainers = deps.store().list().some((r) => r.target !== undefined && r.state === "running");
      const fresh = hasContainers ? await (await import("../../targets/container-sessions.ts")).listFreshSessions(deps) : listSessions(deps);
      // Plugins (issue 11): a session whose last sync or check found drift is marked.
      const drifted = fresh.some((s) => s.meta.plugins !== undefined) ? (await import("../../plugins/drift-mark.ts")).pluginDriftMarker(deps) : () => false;
      const local = fresh.map((s) => ({ ...toSessionJson(s), state: s.view as string, location: "local", ...(drifted(s) ? { pluginDrift: true } : {}) }));
      const target = configuredOrGiven(deps, args);
      const remote = target ? await (await import("../../remote/sessions.ts")).listRemoteSessions(target) : undefined;
      // An unreachable remote must not hide the local sessions: warn and go on.
      if (remote?.warning) deps.stderr(`warning: ${remote.warning}\n`);
      // Which control plane was asked (and why that one): for a person at a terminal; scripts read each row's `remote`.
      if (target && remote && !remote.warning && process.stderr.isTTY) deps.stderr(`asked remote ${target.url} (${SOURCE[target.source]}): ${remote.sessions.length} session(s) on ${where(target.url)}\n`);
      const sessions = [...local, ...(remote?.sessions ?? []).map((s) => ({ ...s, remote: target?.url, exitCode: s.exitCode ?? null, signal: s.signal ?? null, pid: s.pid ?? null, endedAt: s.endedAt ?? null, reason: s.reason ?? null }))];
      if (args.json) return deps.stdout(json(sessions));
      if (sessions.length === 0) return deps.stderr("no sessions: start one with `remote run shell`\n");
      const now = deps.clock.now().getTime();
      // A live session says what its agent does and for how long (`waiting 3m`); an ended one how it ended.
      const state = (s: (typeof sessions)[number]) => (s.state === "running" && s.agent ? describeAgent(s.agent, now) : describeState(s)) + ("pluginDrift" in s && s.pluginDrift ? " (plugin drift)" : "");
      const row = (s: (typeof sessions)[number]) => [s.id, s.name, s.profile + (s.source === "hook" ? " (hook)" : ""), (s as { target?: string }).target ?? "local", state(s), String(s.pid ?? "-"), String(s.clients), s.createdAt.replace("T", " ").slice(0, 19), s.cwd];
      const header = ["ID", "NAME", "PROFILE", "TARGET", "STATE", "PID", "CLIENTS", "CREATED", "CWD"];
      // LOCATION only when a remote is in play: a local-only listing looks as it always did.
      deps.stdout(target ? table(["LOCATION", ...header], sessions.map((s) => [s.location, ...row(s)])) : table(header, sessions.map(row)));
    },
  });
