import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { parseNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import { bootSessionHost } from "../../host/boot.ts";
import { numberArg } from "./_shared.ts";

const CELLS: NumericFlag = { kind: "integer", min: 1, max: 10_000, example: "80" };

/** Internal: the session host process started by `remote run`. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__host", description: "(internal) run a session host", hidden: true },
    args: {
      id: { type: "positional", required: true },
      cols: { ...numberArg("Columns", CELLS), default: "80" },
      rows: { ...numberArg("Rows", CELLS), default: "24" },
    },
    run: async ({ args }) => {
      const size = { cols: parseNumericFlag("--cols", args.cols, CELLS), rows: parseNumericFlag("--rows", args.rows, CELLS) };
      const code = await bootSessionHost(ctx.deps(), args.id, size);
      ctx.setExitCode(code);
      // A host ends with its session: should a plugin's handle or a stuck socket hold the event loop, exit anyway.
      setTimeout(() => process.exit(code), 2000).unref();
    },
  });
