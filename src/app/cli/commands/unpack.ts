import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { unpackInto } from "../../targets/inside-files.ts";
import { answer, stdinBytes } from "./_inside.ts";

/** Internal: run through a session container's exec; a workspace archive (tar, gzip or not) on stdin. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__unpack", description: "(internal) write a workspace archive read from stdin into a folder of this container (checked first)", hidden: true },
    args: { dir: { type: "positional", required: true, description: "The absolute folder" } },
    run: async ({ args }) => answer(ctx, async () => unpackInto(ctx.deps(), args.dir, await stdinBytes())),
  });
