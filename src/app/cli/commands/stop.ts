import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { stopSession } from "../../sessions/manage.ts";
import { routeSessionRef } from "../../remote/route.ts";
import { jsonArg, refArg } from "./_shared.ts";
import { describeState } from "../../../domain/session-lifecycle.ts";
import { viewReason } from "../../../domain/session.ts";
import { remoteArgs, where } from "./_remote.ts";

/** How it ended, in `ls`'s words. */
const how = (s: { state: string; exitCode?: number | null | undefined; signal?: string | null | undefined; exitSignal?: string | undefined; reason?: string | null | undefined }) =>
  describeState({ ...s, signal: s.signal ?? s.exitSignal });

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "stop", description: "Stop a session (the agent gets SIGHUP, then SIGTERM, then SIGKILL)." },
    args: { ref: refArg, reason: { type: "string", description: "Recorded in the host log" }, json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const route = routeSessionRef(deps, args, args.ref);
      if (route.kind === "remote") {
        const s = await (await import("../../remote/client.ts")).createRemoteClient(route.target).stop(route.ref, args.reason);
        if (args.json) return deps.stdout(json({ id: s.id, name: s.name, state: s.state, exitCode: s.exitCode ?? null, signal: s.signal ?? null, reason: s.reason ?? null, location: where(route.target.url) }));
        deps.stderr(`stopped ${s.name} (${s.id}) on ${where(route.target.url)}: ${how(s)}\n`);
        return;
      }
      const s = await stopSession(deps, route.ref, args.reason);
      const reason = viewReason(s, s.view) ?? null;
      if (args.json) return deps.stdout(json({ id: s.id, name: s.name, state: s.view, exitCode: s.exitCode ?? null, signal: s.exitSignal ?? null, reason, alreadyEnded: s.alreadyEnded }));
      const words = how({ ...s, state: s.view, reason });
      deps.stderr(s.alreadyEnded ? `${s.name} (${s.id}) had already ended: ${words}\n` : `stopped ${s.name} (${s.id}): ${words}\n`);
    },
  });
