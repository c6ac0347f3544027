import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { renameSession } from "../../sessions/manage.ts";
import { routeSessionRef } from "../../remote/route.ts";
import { refArg } from "./_shared.ts";
import { remoteArgs, where } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "rename", description: "Give a session a new name." },
    args: { ref: refArg, name: { type: "positional", required: true, description: "The new name" }, ...remoteArgs },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const route = routeSessionRef(deps, args, args.ref);
      if (route.kind === "remote") {
        const s = await (await import("../../remote/client.ts")).createRemoteClient(route.target).rename(route.ref, args.name);
        deps.stderr(`renamed ${s.id} to ${s.name} on ${where(route.target.url)}\n`);
        return;
      }
      const s = renameSession(deps, route.ref, args.name);
      deps.stderr(`renamed ${s.id} to ${s.name}\n`);
    },
  });
