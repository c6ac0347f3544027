import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { renameSession } from "../../sessions/manage.ts";
import { refArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "rename", description: "Give a session a new name." },
    args: { ref: refArg, name: { type: "positional", required: true, description: "The new name" } },
    run: ({ args }) => {
      const deps = ctx.deps();
      const s = renameSession(deps, args.ref, args.name);
      deps.stderr(`renamed ${s.id} to ${s.name}\n`);
    },
  });
