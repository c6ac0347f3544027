import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { pruneSessions } from "../../sessions/manage.ts";
import { jsonArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "prune", description: "Forget sessions that have ended (exited, failed, or lost: their host is gone)." },
    args: { json: jsonArg },
    run: ({ args }) => {
      const deps = ctx.deps();
      const gone = pruneSessions(deps);
      if (args.json) return deps.stdout(json(gone.map((s) => ({ id: s.id, name: s.name }))));
      deps.stderr(`pruned ${gone.length} ended session${gone.length === 1 ? "" : "s"}\n`);
    },
  });
