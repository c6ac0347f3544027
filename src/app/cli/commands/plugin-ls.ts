import { defineCommand } from "citty";
import { json, table, type CliContext } from "../context.ts";
import { pluginLs } from "../../plugins/add.ts";
import { jsonArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List the plugins every session should have." },
    args: { json: jsonArg },
    run: ({ args }) => {
      const deps = ctx.deps();
      const plugins = pluginLs(deps);
      if (args.json) return deps.stdout(json(plugins));
      if (plugins.length === 0) return deps.stderr("no plugins: add one with `remote plugin add <npm-spec>`\n");
      const how = (p: (typeof plugins)[number]) => (p.install?.method === "curl" ? `curl ${p.install.spec}` : p.install?.method === "script" ? `sh -c ${p.install.spec}` : `npm ${p.install?.spec ?? p.pkg}`);
      deps.stdout(table(["PLUGIN", "VERSION", "MCP", "INSTALL"], plugins.map((p) => [p.pkg, p.version, p.mcp.map((m) => m.name).join(",") || "-", how(p)])));
    },
  });
