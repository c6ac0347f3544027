import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { runHostServer } from "../../host/host-server.ts";

/** Internal: the per-user host server that runs every local session, started on demand by `remote run`. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__host", description: "(internal) run the session host server", hidden: true },
    run: async () => {
      const deps = ctx.deps();
      // A session's config (and test fault injection) comes from its launcher's environment alone:
      // what only the server was started with is blanked, not inherited.
      const unset = Object.fromEntries(Object.keys(deps.env).map((key) => [key, ""]));
      const code = await runHostServer(deps, (env) => ctx.depsWithEnv({ ...unset, ...env }));
      ctx.setExitCode(code);
      // The server ends once it hosts nothing: should a plugin's handle or a stalled start hold the event loop, exit anyway.
      setTimeout(() => process.exit(code), 2000).unref();
    },
  });
