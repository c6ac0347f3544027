import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { markPrepared } from "../../targets/pod-prepared.ts";
import { answer } from "./_inside.ts";

/** Internal: run through a session container's exec once its workspace and conversation are in: its agent may start. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__prepared", description: "(internal) let this container's agent start: what it needs is in place", hidden: true },
    run: async () => answer(ctx, () => markPrepared(ctx.deps())),
  });
