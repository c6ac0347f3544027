import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { sendToSession } from "../../sessions/manage.ts";
import { refArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "send", description: "Type text into a session, as if from its keyboard." },
    args: {
      ref: refArg,
      text: { type: "positional", required: true, description: "The text to send" },
      enter: { type: "boolean", description: "Press Enter after the text" },
    },
    run: async ({ args }) => {
      await sendToSession(ctx.deps(), args.ref, args.text, args.enter ?? false);
    },
  });
