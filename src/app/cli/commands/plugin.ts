import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";

/** `remote plugin <sub>`: plugins and MCP servers in every session (issue 11). */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "plugin", description: "Plugins and MCP servers in every session: add, ls, rm, sync." },
    subCommands: {
      add: () => import("./plugin-add.ts").then((m) => m.default(ctx)),
      ls: () => import("./plugin-ls.ts").then((m) => m.default(ctx)),
      rm: () => import("./plugin-rm.ts").then((m) => m.default(ctx)),
      sync: () => import("./plugin-sync.ts").then((m) => m.default(ctx)),
    },
  });
