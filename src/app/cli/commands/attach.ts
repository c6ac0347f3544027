import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { attachSession } from "../../sessions/attach.ts";
import { routeSessionRef } from "../../remote/route.ts";
import { exitCodeOf, refArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "attach", description: "Attach this terminal to a session (detach: Ctrl+P then Ctrl+Q)." },
    args: {
      ref: refArg,
      "read-only": { type: "boolean", description: "Watch only: keys and resizes are not sent" },
      ...remoteArgs,
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const readOnly = args["read-only"] ?? false;
      const route = routeSessionRef(deps, args, args.ref);
      const outcome = route.kind === "remote" ? await (await import("../../remote/attach.ts")).attachRemoteSession(deps, route.target, route.ref, { readOnly }) : await attachSession(deps, route.ref, { readOnly });
      ctx.setExitCode(exitCodeOf(outcome));
    },
  });
