import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { stopSession } from "../../sessions/manage.ts";
import { jsonArg, refArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "stop", description: "Stop a session (the agent gets SIGHUP, then SIGTERM, then SIGKILL)." },
    args: { ref: refArg, reason: { type: "string", description: "Recorded in the host log" }, json: jsonArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const s = await stopSession(deps, args.ref, args.reason);
      if (args.json) return deps.stdout(json({ id: s.id, name: s.name, state: s.view, exitCode: s.exitCode ?? null }));
      deps.stderr(`stopped ${s.name} (${s.id})${s.exitCode !== undefined ? `, exit code ${s.exitCode ?? "none (signal)"}` : ""}\n`);
    },
  });
