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
      ctx.setExitCode(await bootSessionHost(ctx.deps(), args.id, size));
    },
  });
