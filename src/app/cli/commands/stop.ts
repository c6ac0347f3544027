import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { stopSession } from "../../sessions/manage.ts";
import { routeSessionRef } from "../../remote/route.ts";
import { jsonArg, refArg } from "./_shared.ts";
import { remoteArgs, where } from "./_remote.ts";

const how = (s: { exitCode?: number | null | undefined; signal?: string | null | undefined; exitSignal?: string | undefined }) => {
  const signal = s.signal ?? s.exitSignal;
  if (typeof s.exitCode === "number") return `, exit code ${s.exitCode}`;
  return signal ? `, killed by ${signal}` : "";
};

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "stop", description: "Stop a session (the agent gets SIGHUP, then SIGTERM, then SIGKILL)." },
    args: { ref: refArg, reason: { type: "string", description: "Recorded in the host log" }, json: jsonArg, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const route = routeSessionRef(deps, args, args.ref);
      if (route.kind === "remote") {
        const s = await (await import("../../remote/client.ts")).createRemoteClient(route.target).stop(route.ref, args.reason);
        if (args.json) return deps.stdout(json({ id: s.id, name: s.name, state: s.state, exitCode: s.exitCode ?? null, location: where(route.target.url) }));
        deps.stderr(`stopped ${s.name} (${s.id}) on ${where(route.target.url)}${how(s)}\n`);
        return;
      }
      const s = await stopSession(deps, route.ref, args.reason);
      if (args.json) return deps.stdout(json({ id: s.id, name: s.name, state: s.view, exitCode: s.exitCode ?? null }));
      deps.stderr(`stopped ${s.name} (${s.id})${how(s)}\n`);
    },
  });
