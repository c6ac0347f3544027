import { defineCommand } from "../define-command.ts";
import type { CliContext } from "../context.ts";
import { sendToSession } from "../../sessions/send.ts";
import { routeSessionRef } from "../../remote/route.ts";
import { refArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "send", description: "Type text into a session, as if from its keyboard." },
    args: {
      ref: refArg,
      text: { type: "positional", required: true, description: "The text to send" },
      enter: { type: "boolean", description: "Press Enter after the text" },
      ...remoteArgs,
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      await deps.readStoreFromHost?.();
      const route = routeSessionRef(deps, args, args.ref);
      if (route.kind === "remote") return (await import("../../remote/client.ts")).createRemoteClient(route.target).send(route.ref, args.text, args.enter ?? false);
      await sendToSession(deps, route.session, args.text, args.enter ?? false);
    },
  });
