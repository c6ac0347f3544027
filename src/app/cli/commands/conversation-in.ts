import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { restoreInside, stageInside } from "../../targets/inside-conversation.ts";
import { answer, stdinBytes } from "./_inside.ts";

/** Internal: run through a session container's exec, the request (JSON) on stdin. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__conversation", description: "(internal) restore a conversation into this container's HOME, or stage one out of it", hidden: true },
    args: { action: { type: "positional", required: true, description: "restore | stage" } },
    run: async ({ args }) =>
      answer(ctx, async () => {
        const input = await stdinBytes();
        if (args.action === "restore") return restoreInside(ctx.deps(), input);
        if (args.action === "stage") return stageInside(ctx.deps(), input);
        throw new Error(`unknown action '${args.action}' (restore | stage)`);
      }),
  });
