import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { bootSessionHost } from "../../host/boot.ts";

/** Internal: the session host process started by `remote run`. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__host", description: "(internal) run a session host", hidden: true },
    args: {
      id: { type: "positional", required: true },
      cols: { type: "string", default: "80" },
      rows: { type: "string", default: "24" },
    },
    run: async ({ args }) => {
      const size = { cols: Number(args.cols) || 80, rows: Number(args.rows) || 24 };
      const code = await bootSessionHost(ctx.deps(), args.id, size);
      ctx.setExitCode(code);
      // A host ends with its session: should a plugin's handle or a stuck socket hold the event loop, exit anyway.
      setTimeout(() => process.exit(code), 2000).unref();
    },
  });
