import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { folderManifest, packPaths, readFolderState } from "../../targets/inside-files.ts";
import { answer, stdinBytes } from "./_inside.ts";

/** Internal: run through a session container's exec; the folder's manifest, (--paths, a JSON list on stdin) those files as a base64 tar, or (--state) a .remote/ file. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__pack", description: "(internal) a folder of this container: its manifest, the files asked for on stdin, or a .remote/ state file", hidden: true },
    args: {
      dir: { type: "positional", required: true, description: "The absolute folder" },
      paths: { type: "boolean", description: "Pack the paths listed (JSON) on stdin" },
      state: { type: "string", description: "Answer .remote/<name> (JSON) instead" },
    },
    run: async ({ args }) =>
      answer(ctx, async () => {
        if (args.state !== undefined) return readFolderState(ctx.deps(), args.dir, args.state);
        if (!args.paths) return folderManifest(ctx.deps(), args.dir);
        const paths: unknown = JSON.parse(new TextDecoder().decode(await stdinBytes()));
        if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string")) throw new Error("stdin is not a JSON list of paths");
        return packPaths(ctx.deps(), args.dir, paths);
      }),
  });
