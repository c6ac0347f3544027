import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";

/** `remote migrate <sub>`: a table of literal lazy imports, one file per subcommand. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "migrate", description: "Move this folder's work (files + the agent's conversation) to a control plane and back." },
    subCommands: {
      forward: () => import("./migrate-forward.ts").then((m) => m.default(ctx)),
      back: () => import("./migrate-back.ts").then((m) => m.default(ctx)),
    },
  });
