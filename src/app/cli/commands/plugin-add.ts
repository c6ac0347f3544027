import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { RemoteError } from "../../../domain/errors.ts";
import { pluginAdd, pluginAddInstaller } from "../../plugins/add.ts";
import { pluginSync } from "../../plugins/sync.ts";
import { announceTo, printSyncRecap } from "./_plugin.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "add", description: "Add a plugin for every session (an npm package, or a named installer) and sync it now." },
    args: {
      spec: { type: "positional", required: true, description: "npm spec (name[@version], directory or .tgz), or the plugin's name with --curl/--install" },
      mcp: { type: "string", description: "An MCP server: <name>=<bin of the package> (repeatable; default: every *-mcp bin)", multiple: true },
      curl: { type: "string", description: "https URL of an installer script, piped to sh in each session" },
      install: { type: "string", description: "A shell command that installs it, run with sh -c in each session" },
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const mcp = [(args as { mcp?: string | string[] }).mcp ?? []].flat();
      if (args.curl !== undefined && args.install !== undefined) throw new RemoteError("FLAG_CONFLICT", "Cannot use --curl with --install: a plugin has one installer", "Keep one of them.", "usage");
      const installer = args.curl !== undefined ? { method: "curl" as const, spec: args.curl } : args.install !== undefined ? { method: "script" as const, spec: args.install } : undefined;
      if (installer && mcp.length > 0) throw new RemoteError("FLAG_CONFLICT", "Cannot use --mcp with an installer plugin: its MCP bins are not known before it runs", "Add the MCP server's npm package instead.", "usage");
      const entry = installer ? await pluginAddInstaller(deps, args.spec, installer) : await pluginAdd(deps, args.spec, mcp);
      // Shown before it runs anywhere: what each session will execute.
      if (installer) deps.stderr(`each session will run: sh -c ${JSON.stringify(installer.method === "curl" ? `curl -fsSL "$0" | sh` : installer.spec)}${installer.method === "curl" ? ` ${installer.spec}` : ""}\n`);
      deps.stdout(`added ${entry.pkg}@${entry.version}${entry.mcp.length > 0 ? ` (mcp: ${entry.mcp.map((m) => m.name).join(", ")})` : ""}\n`);
      if (!printSyncRecap(deps, await pluginSync(deps, { announce: announceTo(deps) }))) ctx.setExitCode(1);
    },
  });
