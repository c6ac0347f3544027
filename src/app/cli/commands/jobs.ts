import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";

/** `remote jobs <sub>`: a table of literal lazy imports, one file per subcommand. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "jobs", description: "Delegated jobs: ls, status, logs, attach, wait, cancel, conduct, prune." },
    subCommands: {
      ls: () => import("./jobs-ls.ts").then((m) => m.default(ctx)),
      status: () => import("./jobs-status.ts").then((m) => m.default(ctx)),
      logs: () => import("./jobs-logs.ts").then((m) => m.default(ctx)),
      attach: () => import("./jobs-attach.ts").then((m) => m.default(ctx)),
      wait: () => import("./jobs-wait.ts").then((m) => m.default(ctx)),
      cancel: () => import("./jobs-cancel.ts").then((m) => m.default(ctx)),
      conduct: () => import("./jobs-conduct.ts").then((m) => m.default(ctx)),
      prune: () => import("./jobs-prune.ts").then((m) => m.default(ctx)),
    },
  });
