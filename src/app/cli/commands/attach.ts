import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { attachSession } from "../../sessions/attach.ts";
import { exitCodeOf, refArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "attach", description: "Attach this terminal to a session (detach: Ctrl+P then Ctrl+Q)." },
    args: {
      ref: refArg,
      "read-only": { type: "boolean", description: "Watch only: keys and resizes are not sent" },
    },
    run: async ({ args }) => {
      const outcome = await attachSession(ctx.deps(), args.ref, { readOnly: args["read-only"] ?? false });
      ctx.setExitCode(exitCodeOf(outcome));
    },
  });
