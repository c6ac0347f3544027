import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { pluginRemove } from "../../plugins/add.ts";
import { pluginSync } from "../../plugins/sync.ts";
import { announceTo, printSyncRecap } from "./_plugin.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "rm", description: "Remove a plugin (and its MCP servers) from every session." },
    args: { name: { type: "positional", required: true, description: "The plugin's name (as `remote plugin ls` shows it)" } },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const entry = await pluginRemove(deps, args.name);
      deps.stdout(`removed ${entry.pkg}@${entry.version}\n`);
      if (!printSyncRecap(deps, await pluginSync(deps, { announce: announceTo(deps) }))) ctx.setExitCode(1);
    },
  });
