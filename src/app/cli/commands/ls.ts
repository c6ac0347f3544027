import { defineCommand } from "../define-command.ts";
import { json, table, type CliContext } from "../context.ts";
import { listSessions } from "../../sessions/find.ts";
import { toSessionJson } from "../../server/session-json.ts";
import { resolveRemote } from "../../remote/config.ts";
import { jsonArg } from "./_shared.ts";
import { describeState } from "../../../domain/session-lifecycle.ts";
import { remoteArg } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List sessions (running, and exited ones until pruned), here and on the configured or given remote." },
    args: { json: jsonArg, remote: remoteArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const local = listSessions(deps).map((s) => ({ ...toSessionJson(s), state: s.view as string, location: "local" }));
      const target = resolveRemote(deps, args.remote);
      const remote = target ? await (await import("../../remote/sessions.ts")).listRemoteSessions(target) : undefined;
      // An unreachable remote must not hide the local sessions: warn and go on.
      if (remote?.warning) deps.stderr(`warning: ${remote.warning}\n`);
      const sessions = [...local, ...(remote?.sessions ?? []).map((s) => ({ ...s, exitCode: s.exitCode ?? null, signal: s.signal ?? null, pid: s.pid ?? null, endedAt: s.endedAt ?? null, reason: s.reason ?? null }))];
      if (args.json) return deps.stdout(json(sessions));
      if (sessions.length === 0) return deps.stderr("no sessions: start one with `remote run shell`\n");
      const state = (s: (typeof sessions)[number]) => describeState(s);
      const row = (s: (typeof sessions)[number]) => [s.id, s.name, s.profile + (s.source === "hook" ? " (hook)" : ""), state(s), String(s.pid ?? "-"), String(s.clients), s.createdAt.replace("T", " ").slice(0, 19), s.cwd];
      const header = ["ID", "NAME", "PROFILE", "STATE", "PID", "CLIENTS", "CREATED", "CWD"];
      // LOCATION only when a remote is in play: a local-only listing looks as it always did.
      deps.stdout(target ? table(["LOCATION", ...header], sessions.map((s) => [s.location, ...row(s)])) : table(header, sessions.map(row)));
    },
  });
