import { defineCommand } from "citty";
import { json, table, type CliContext } from "../context.ts";
import { listSessions } from "../../sessions/find.ts";
import { jsonArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List sessions (running, and exited ones until pruned)." },
    args: { json: jsonArg },
    run: ({ args }) => {
      const deps = ctx.deps();
      const sessions = listSessions(deps).map((s) => ({
        id: s.id,
        name: s.name,
        profile: s.profile,
        source: s.source,
        state: s.view,
        exitCode: s.exitCode ?? null,
        pid: s.pid ?? null,
        cwd: s.cwd,
        createdAt: s.createdAt,
        endedAt: s.endedAt ?? null,
        clients: s.view === "running" ? s.clients : 0,
      }));
      if (args.json) return deps.stdout(json(sessions));
      if (sessions.length === 0) return deps.stderr("no sessions: start one with `remote run shell`\n");
      const state = (s: (typeof sessions)[number]) => (s.state === "exited" ? `exited(${s.exitCode ?? "?"})` : s.state);
      deps.stdout(
        table(
          ["ID", "NAME", "PROFILE", "STATE", "PID", "CLIENTS", "CREATED", "CWD"],
          sessions.map((s) => [s.id, s.name, s.profile + (s.source === "hook" ? " (hook)" : ""), state(s), String(s.pid ?? "-"), String(s.clients), s.createdAt.replace("T", " ").slice(0, 19), s.cwd]),
        ),
      );
    },
  });
