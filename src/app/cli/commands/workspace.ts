import { defineCommand } from "../define-command.ts";
import type { CliContext } from "../context.ts";

/** `remote workspace <sub>`: a table of literal lazy imports, one file per subcommand. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "workspace", description: "Workspaces on a control plane: link, push, pull, status, ls, rm." },
    subCommands: {
      link: () => import("./workspace-link.ts").then((m) => m.default(ctx)),
      push: () => import("./workspace-push.ts").then((m) => m.default(ctx)),
      pull: () => import("./workspace-pull.ts").then((m) => m.default(ctx)),
      status: () => import("./workspace-status.ts").then((m) => m.default(ctx)),
      ls: () => import("./workspace-ls.ts").then((m) => m.default(ctx)),
      rm: () => import("./workspace-rm.ts").then((m) => m.default(ctx)),
    },
  });
