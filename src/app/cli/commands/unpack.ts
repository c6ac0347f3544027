import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { unpackInto, writeFolderState } from "../../targets/inside-files.ts";
import { answer, stdinBytes } from "./_inside.ts";

/** Internal: run through a session container's exec; a workspace archive (tar, gzip or not) on stdin, or (--state) a .remote/ file's JSON. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__unpack", description: "(internal) write a workspace archive read from stdin into a folder of this container (checked first), or a .remote/ state file", hidden: true },
    args: { dir: { type: "positional", required: true, description: "The absolute folder" }, state: { type: "string", description: "Write stdin's JSON to .remote/<name> instead" } },
    run: async ({ args }) =>
      answer(ctx, async () => {
        const input = await stdinBytes();
        return args.state === undefined ? unpackInto(ctx.deps(), args.dir, input) : writeFolderState(ctx.deps(), args.dir, args.state, input);
      }),
  });
